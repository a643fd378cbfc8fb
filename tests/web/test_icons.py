"""The site's icons: browsers fetch /favicon.ico (and phones /apple-touch-icon.png) from the root whatever a page
links to; neither may be taken for a province slug."""

import pytest

ROOT_ICONS = [("/favicon.ico", "image/", b"\x00\x00\x01\x00"), ("/apple-touch-icon.png", "image/png", b"\x89PNG")]


@pytest.mark.parametrize(("path", "content_type", "magic"), ROOT_ICONS)
def test_root_icons_are_served_not_read_as_a_province(client, tenant_a, path, content_type, magic):
    response = client.get(path)
    assert response.status_code == 200
    assert response.content_type.startswith(content_type)
    assert response.data.startswith(magic)
    assert response.cache_control.max_age >= 24 * 3600


def test_every_page_links_its_icons(client, tenant_a):
    html = client.get("/bac-ninh/").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico"' in html
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert client.get("/static/favicon.svg").content_type.startswith("image/svg+xml")
