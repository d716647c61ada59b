"""gunicorn settings, read from the working directory: `gunicorn 'app:create_app()'`.

Each worker compiles the courses once before serving, then moves everything loaded so far out of
the garbage collector's reach and collects less often: a dashboard of thousands of members
allocates many short-lived objects, and full collections were its slowest requests.
"""

import gc


def post_worker_init(worker):
    from courseware.courses import catalog

    app = worker.wsgi
    with app.app_context():
        catalog().all()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
