"""gunicorn settings of safetynet (``gunicorn -c safetynet/site/gunicorn.conf.py``; ``make serve``).

Every value can be changed by an environment variable, so the city's operators tune a server
without editing a file in the package. Behind the city's proxy, bind to 127.0.0.1 (the default)
and let the proxy terminate TLS and pass ``X-Forwarded-Proto``.
"""

import multiprocessing
import os

wsgi_app = "safetynet.site.wsgi:application"
bind = os.environ.get("SAFETYNET_BIND", "127.0.0.1:8000")

# Processes use the cores (Polars and the templates are CPU work the GIL would serialise); threads
# in each process overlap the waits on the database. 2 × cores + 1 is gunicorn's own advice.
workers = int(os.environ.get("SAFETYNET_WORKERS", 2 * multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("SAFETYNET_THREADS", 4))
worker_class = "gthread"
# A worker restarts after this many requests (with jitter so they do not all restart at once):
# memory a long-lived process gathers (Polars' allocator, caches) goes back to the system.
max_requests = int(os.environ.get("SAFETYNET_MAX_REQUESTS", 2000))
max_requests_jitter = max_requests // 10

# A request may wait up to 20 s for SQLite's write lock (settings.py): the worker must outlive that.
timeout = int(os.environ.get("SAFETYNET_TIMEOUT", 60))
graceful_timeout = 30  # a restart lets requests under way finish
keepalive = 5  # seconds an idle connection from the proxy stays open

# The app is loaded in each worker after the fork, never before: Polars' thread pool does not
# survive a fork.
preload_app = False

# Access log ("-" is standard output; a path writes a file), with the time taken in milliseconds.
accesslog = os.environ.get("SAFETYNET_ACCESS_LOG", "-") or None
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("SAFETYNET_LOG_LEVEL", "info")

# The proxy on the same machine may set the forwarded scheme and client address.
forwarded_allow_ips = os.environ.get("SAFETYNET_FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "safetynet"
# No runtime control socket (gunicornc): its default path is one per user, which two servers on a
# machine (the office's and a benchmark's) would share; the service manager sends the signals.
control_socket_disable = True
