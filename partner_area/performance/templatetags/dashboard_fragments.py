"""{% dashboard_fragment "name" figures %}…{% enddashboard_fragment %}: the enclosed HTML from the cache (see
performance/fragments.py for the key and when it is dropped), rendered and stored on a miss."""

from django import template
from django.core.cache import cache

from ..fragments import data_version, fragment_key, fragment_seconds

register = template.Library()


class DashboardFragmentNode(template.Node):
    def __init__(self, nodelist, name, figures):
        self.nodelist, self.name, self.figures = nodelist, name, figures

    def render(self, context):
        seconds = fragment_seconds()
        if seconds <= 0:
            return self.nodelist.render(context)
        figures = self.figures.resolve(context)
        key = fragment_key(
            name=self.name.resolve(context),
            company_id=figures.company.pk,
            period=figures.period,
            version=data_version(context.get("request")),
        )
        html = cache.get(key)
        if html is None:
            html = self.nodelist.render(context)
            cache.set(key, html, seconds)
        return html


@register.tag
def dashboard_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError(f"{bits[0]} takes a name and the dashboard's figures")
    nodelist = parser.parse(("enddashboard_fragment",))
    parser.delete_first_token()
    return DashboardFragmentNode(nodelist, parser.compile_filter(bits[1]), parser.compile_filter(bits[2]))
