"""The survey form: four scores from 1 to 5 and a comment."""

from __future__ import annotations

from django import forms

SCALE = [(n, str(n)) for n in range(1, 6)]


class SurveyForm(forms.Form):
    overall = forms.TypedChoiceField(
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        label="Overall, how satisfied are you? (1 = not at all, 5 = very)",
    )
    product_quality = forms.TypedChoiceField(
        choices=SCALE, coerce=int, widget=forms.RadioSelect, label="Product quality"
    )
    service_delivery = forms.TypedChoiceField(
        choices=SCALE, coerce=int, widget=forms.RadioSelect, label="Service delivery"
    )
    process = forms.TypedChoiceField(choices=SCALE, coerce=int, widget=forms.RadioSelect, label="Our support process")
    met_expectations = forms.ChoiceField(
        choices=[("yes", "Yes"), ("partly", "Partly"), ("no", "No")],
        widget=forms.RadioSelect,
        label="Did our solution or recommendations meet your expectations?",
    )
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=4000, label="Anything to add?"
    )


class FollowUpNoteForm(forms.Form):
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, label="What was done")
