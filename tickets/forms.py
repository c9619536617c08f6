"""Forms of the case pages."""

from __future__ import annotations

from django import forms


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="What is still wrong?", widget=forms.Textarea(attrs={"rows": 4}), max_length=4000, strip=True
    )


class ConfirmForm(forms.Form):
    """Nothing to fill in: the button is the confirmation."""
