"""Platform pages: the landing page, sign-in, and the tenant admin's settings pages."""
