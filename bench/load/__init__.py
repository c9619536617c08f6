"""The load run (`make load`): locust against gunicorn and Celery workers on a throwaway database."""
