{#- Where the Intercom data comes from (SPEC §1 D): the project variable `intercom_source`, checked so
    a typo fails loudly. `loader` (the raw tables scripts/load.py writes), `fivetran` or `airbyte` (the
    connector's tables where it already wrote them, named by `intercom_database` / `intercom_schema`). -#}
{% macro intercom_source() -%}
    {%- set source_name = var('intercom_source', 'loader') -%}
    {%- if source_name not in ('loader', 'fivetran', 'airbyte') -%}
        {{ exceptions.raise_compiler_error(
            "var intercom_source must be 'loader', 'fivetran' or 'airbyte', got '" ~ source_name ~ "'") }}
    {%- endif -%}
    {{ return(source_name) }}
{%- endmacro %}


{#- The staged relation every downstream model reads (`messages` or `conversations`), whichever source
    feeds it: the staging models of each source produce the same columns, so nothing downstream knows
    the source. -#}
{% macro intercom_staged(thing) -%}
    {%- set prefix = {'loader': 'stg_intercom__', 'fivetran': 'stg_fivetran__', 'airbyte': 'stg_airbyte__'} -%}
    {{ return(ref(prefix[intercom_source()] ~ thing)) }}
{%- endmacro %}


{#- A column of a connector's table, or a typed null where this connector version does not write it
    (connectors add columns over time: `_fivetran_active`, `_fivetran_deleted`). -#}
{% macro column_or_null(relation, column, data_type) -%}
    {%- set names = [] -%}
    {%- if execute -%}
        {%- for existing in adapter.get_columns_in_relation(relation) -%}
            {%- do names.append(existing.name | lower) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if column | lower in names -%}
        {{ column }}
    {%- else -%}
        cast(null as {{ data_type }})
    {%- endif -%}
{%- endmacro %}
