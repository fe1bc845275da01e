{#- SPEC §1: a timestamp outside the plausible window (project variables earliest_plausible_timestamp,
    default 2000-01-01, and latest_plausible_timestamp, default one day after the build) stops the build
    before any calendar is expanded from it: the loader rejects such values from files, this catches them
    in a connector's tables. It stops with one message that names the column, how many rows, the first
    one's id and value and the variables that widen the window; its error skips every model downstream. -#}
{% test timestamp_is_plausible(model, column_name, id_column='conversation_id') %}

{%- set earliest = var('earliest_plausible_timestamp', '2000-01-01') -%}
{%- set latest = var('latest_plausible_timestamp', '') -%}
{%- set message -%}
    'intercom_sla: ' || cast(implausible_rows as {{ dbt.type_string() }}) || ' row(s) of {{ model.identifier }}.{{ column_name }}
    fall outside the plausible window ({{ earliest }} to {{ latest or "one day after the build" }}), the first at
    {{ id_column }} ' || first_record_id || ': ' || {{ utc_timestamp_text('first_recorded_at') }} || '; if the data
    is right, widen the window with --vars ''{earliest_plausible_timestamp: YYYY-MM-DD,
    latest_plausible_timestamp: YYYY-MM-DD}'''
{%- endset -%}
with

implausible as (

    select
        {{ id_column }} as record_id,
        {{ column_name }} as recorded_at
    from {{ model }}
    where
        {{ column_name }} < cast('{{ earliest }}' as {{ dbt.type_timestamp() }})
        or {{ column_name }} > {% if latest %}cast('{{ latest }}' as {{ dbt.type_timestamp() }})
        {%- else %}{{ dbt.dateadd('day', 1, dbt.current_timestamp()) }}{% endif %}

),

summary as (

    select
        count(*) as implausible_rows,
        min(record_id) as first_record_id,
        {{ value_at_first('recorded_at', 'record_id') }} as first_recorded_at
    from implausible

)

-- the error sits in the filter, not the select list: dbt counts the rows of a test's query, and a count
-- never evaluates the columns it does not need
select implausible_rows
from summary
where
    implausible_rows > 0
    and case when implausible_rows > 0 then {{ query_error(message | replace('\n', ' ') | replace('    ', '')) }} end is null

{% endtest %}
