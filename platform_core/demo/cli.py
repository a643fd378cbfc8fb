import click


@click.command("demo")
def demo_command():
    """Seed the demo provinces."""
