from django import forms

MAX_QUERY_LENGTH = 200


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search the writing",
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.SearchInput(attrs={"enterkeyhint": "search"}),
        error_messages={
            "max_length": (
                f"That search is too long. Please use at most {MAX_QUERY_LENGTH} characters."
            ),
            "null_characters_not_allowed": "That search contains characters it cannot use.",
        },
    )
