{#- Fails with every row of the model for which `expression` is not true (a null counts as a failure). -#}
{% test holds_for_every_row(model, expression) %}

select *
from {{ model }}
where not coalesce({{ expression }}, false)

{% endtest %}
