from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("program_cycle/_my_work.html", takes_context=True)
def program_cycle_my_work(context):
    """The program-cycle part of "My work": tasks to draft and to clear, with counts."""
    user = context["request"].user
    return {"work": selectors.my_work(user), "request": context["request"]}
