"""gunicorn settings that belong to the code, not to a deployment: every command that serves the app passes
`--config python:platform_core.web.gunicorn_config` (make run, the Dockerfile).

The access log holds no personal data (issue 12 item 10): a request is logged by its method and path, never
its query string, where the console's searches carry what an officer typed (a citizen's phone number or
name, `/bac-ninh/admin/citizens/citizen?phone=...`), and without the Referer, which repeats the previous
page's query string. Deployment options (bind, workers, FORWARDED_ALLOW_IPS) stay on the command line and in
the environment.
"""

# gunicorn's default is '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"': %(r)s is the request
# line with its query string, %(f)s the Referer. %(U)s is the path alone.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
