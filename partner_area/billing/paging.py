"""Paging of the invoice list (page and API)."""

from django.core.paginator import Paginator


class CountedPaginator(Paginator):
    """A paginator told its count (the sum of the totals per currency) instead of asking the database again."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self.known_count = count

    @property
    def count(self) -> int:
        return self.known_count
