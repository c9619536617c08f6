"""`make bench-peer`: django-helpdesk 2.6.1 measured beside us (run.py); only our project for it lives here."""
