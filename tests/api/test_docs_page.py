"""/api/v1/docs: Swagger UI, served from the vendored files, over the public OpenAPI document; linked from the
console's API keys page. (tests/e2e/test_layout.py checks in Chromium that it draws the operations.)"""

import re

from tests.console import support
from tests.console.support import text_of

admin_a = support.admin_a  # the console's fixture

URL = "/api/v1/docs"


def test_the_page_is_public_html_in_the_sites_frame(client):
    response = client.get(URL)
    assert response.status_code == 200 and response.content_type.startswith("text/html")
    html = text_of(response)
    assert "<h1>Tài liệu API</h1>" in html
    assert 'data-openapi-url="/api/v1/openapi.json"' in html
    assert '<a href="/api/v1/openapi.json">' in html  # without JavaScript the document stays one click away


def test_swagger_ui_comes_from_our_own_static_files(client):
    html = text_of(client.get(URL))
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in sources
    assert "/static/vendor/swagger-ui/swagger-ui.css" in sources
    assert "/static/js/api-docs.js" in sources
    assert not [source for source in sources if "//" in source]  # no CDN
    for source in ("/static/vendor/swagger-ui/swagger-ui-bundle.js", "/static/js/api-docs.js"):
        assert client.get(source).status_code == 200


def test_the_api_keys_page_links_to_it(admin_a):
    html = text_of(admin_a.client.get("/bac-ninh/admin/api-keys/"))
    assert f'<a href="{URL}">Tài liệu API</a>' in html
