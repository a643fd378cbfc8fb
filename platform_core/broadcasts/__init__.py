"""Policy news broadcasts to a province's followers, planned in chunks and sent as bulk (promotion) messages."""
