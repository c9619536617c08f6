"""Case API: thin views that resolve through selectors, call one service, and serialize. One module
per kind of resource; `tickets/api/urls.py` routes to them."""
