from tests.operator.conftest import admin_client, operator, operator_client  # noqa: F401 - fixtures
