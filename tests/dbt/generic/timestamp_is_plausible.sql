{#- SPEC §1: a timestamp outside the plausible window (project variables earliest_plausible_timestamp,
    default 2000-01-01, and latest_plausible_timestamp, default one day after the build) fails the build
    before any calendar is expanded from it: the loader rejects such values from files, this catches them
    in a connector's tables. Its error skips every model downstream. -#}
{% test timestamp_is_plausible(model, column_name) %}

{%- set latest = var('latest_plausible_timestamp', '') -%}
select {{ column_name }}
from {{ model }}
where
    {{ column_name }} < cast('{{ var("earliest_plausible_timestamp", "2000-01-01") }}' as {{ dbt.type_timestamp() }})
    or {{ column_name }} > {% if latest %}cast('{{ latest }}' as {{ dbt.type_timestamp() }})
    {%- else %}{{ dbt.dateadd('day', 1, dbt.current_timestamp()) }}{% endif %}

{% endtest %}
