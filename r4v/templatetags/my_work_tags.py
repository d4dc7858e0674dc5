from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def my_work_section(context, shown):
    """Render one "My work" section (an `r4v.my_work.ShownSection`) with its own variables.

    What `{% include %}` does, except that the variables come from the section's context
    function: the page's context (request, csrf token, the viewer's scope) stays visible.
    """
    section_template = context.template.engine.get_template(shown.template)
    with context.push(**shown.context):
        return section_template.render(context)
