"""The sandbox keeps Zalo's underscored header names, which stock WSGI servers drop, and nothing else."""



def test_access_token_with_underscore_is_accepted(zalo_sandbox):
    app = zalo_sandbox.add_app("bac-ninh")
    token = zalo_sandbox.mint_tokens(app.app_id)["access_token"]
    body = zalo_sandbox.http.get(f"{zalo_sandbox.openapi_url}/v2.0/oa/getoa", headers={"access_token": token}).json()
    assert body["error"] == 0 and body["data"]["oa_id"] == app.oa_id


def test_access_token_with_dash_is_not_a_substitute(zalo_sandbox):
    app = zalo_sandbox.add_app("bac-ninh")
    token = zalo_sandbox.mint_tokens(app.app_id)["access_token"]
    body = zalo_sandbox.http.get(f"{zalo_sandbox.openapi_url}/v2.0/oa/getoa", headers={"access-token": token}).json()
    assert body["error"] == -216


def test_request_log_keeps_the_header_names_as_sent(zalo_sandbox):
    app = zalo_sandbox.add_app("bac-ninh")
    token = zalo_sandbox.mint_tokens(app.app_id)["access_token"]
    zalo_sandbox.http.get(f"{zalo_sandbox.openapi_url}/v2.0/oa/getoa", headers={"access_token": token})
    [entry] = zalo_sandbox.requests(path_contains="getoa")
    assert ["access_token", token] in [[name.lower(), value] for name, value in entry["headers"]]
    assert entry["app_id"] == app.app_id and entry["status"] == 200
