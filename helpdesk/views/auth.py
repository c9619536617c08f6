"""Sign-in and password reset: Django's views under the brute-force limits of signin_limits."""

from __future__ import annotations

import time

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.http import HttpResponse

from helpdesk.forms import EmailAuthenticationForm, SignInLimitMixin
from helpdesk.signin_limits import PASSWORD_RESET, client_ip, wait_message


def _too_many(response: HttpResponse, seconds: int) -> HttpResponse:
    response.status_code = 429
    response["Retry-After"] = str(seconds)
    return response


class SignInView(auth_views.LoginView):
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        retry_after = form.retry_after if isinstance(form, SignInLimitMixin) else 0
        return _too_many(response, retry_after) if retry_after else response


class PasswordResetView(auth_views.PasswordResetView):
    """Each request that would send a reset mail counts against the address and the client IP,
    whether or not the address has an account, so the answer never tells which."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        address, ip, now = form.cleaned_data["email"], client_ip(self.request), time.time()
        wait = PASSWORD_RESET.wait(address=address, ip=ip, now=now)
        if wait:
            form.add_error(None, wait_message("password-reset requests", wait))
            return _too_many(self.form_invalid(form), wait)
        PASSWORD_RESET.hit(address=address, ip=ip, now=now)
        return super().form_valid(form)
