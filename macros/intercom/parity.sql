{#- mart_intercom_parity's checks: the project's figure beside Intercom's own. -#}

{#- A parity check's value as text for reading: timestamps in UTC (`2026-03-02 14:10:00 UTC`), counts and
    verdicts as they are. -#}
{% macro parity_text(expression, kind) -%}
    {%- if kind == 'timestamp' -%}
        {{ dbt.concat([utc_timestamp_text(expression), "' UTC'"]) }}
    {%- else -%}
        cast({{ expression }} as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}


{#- One of Intercom's own figures that the loader keeps in _extra_columns for REST API loads. -#}
{% macro intercom_figure(key, kind) -%}
    {%- set value = json_text('_extra_columns', 'intercom_' ~ key) -%}
    {%- if kind == 'timestamp' -%}
        {{ timestamp_from_text(value, 'raw.conversations statistics.' ~ key) }}
    {%- elif kind == 'count' -%}
        cast({{ value }} as {{ dbt.type_bigint() }})
    {%- else -%}
        {{ value }}
    {%- endif -%}
{%- endmacro %}


{#- One check of mart_intercom_parity: the project's and Intercom's figure for every conversation where
    Intercom gives one, read from the `compared` CTE. -#}
{% macro parity_check(check_name, project_value, intercom_value, kind) -%}
    select
        conversation_id,
        '{{ check_name }}' as check_name,
        {{ parity_text(project_value, kind) }} as project_value,
        {{ parity_text(intercom_value, kind) }} as intercom_value,
        coalesce({{ project_value }} = {{ intercom_value }}, false) as agrees,
        parts_loaded < intercom_count_conversation_parts as parts_missing,
        parts_loaded,
        intercom_count_conversation_parts,
        first_response_source,
        priority,
        sla_threshold_minutes,
        sla_clock,
        business_hours_sla_status,
        intercom_sla_verdict,
        intercom_sla_name
    from compared
    where {{ intercom_value }} is not null
{%- endmacro %}
