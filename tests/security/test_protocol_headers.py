"""Error answers keep the headers HTTP requires of them (issue 12 item 14): a 405 says which methods the URL
allows, on HTML pages and the JSON API alike."""

import pytest


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("delete", "/login", {"GET", "HEAD", "OPTIONS", "POST"}),
    ("post", "/healthz", {"GET", "HEAD", "OPTIONS"}),
    ("put", "/api/v1/dossiers", {"OPTIONS", "POST"}),
    ("get", "/zalo/webhook/bac-ninh", {"OPTIONS", "POST"}),
])
def test_a_405_names_the_allowed_methods(client, method, path, allowed):
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == allowed
    if path.startswith(("/api/", "/zalo/")):
        assert response.is_json
    else:
        assert response.mimetype == "text/html"
