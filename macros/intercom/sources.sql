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
    {{ return(ref(intercom_staged_name(thing))) }}
{%- endmacro %}


{#- The name of that staging model for this source. -#}
{% macro intercom_staged_name(thing) -%}
    {%- set prefix = {'loader': 'stg_intercom__', 'fivetran': 'stg_fivetran__', 'airbyte': 'stg_airbyte__'} -%}
    {{ return(prefix[intercom_source()] ~ thing) }}
{%- endmacro %}


{#- A column of a connector's table, or a typed null where this connector version or the team's column
    blocking leaves it out (SPEC §1 D: every column the rules can do without). -#}
{% macro column_or_null(relation, column, data_type) -%}
    {%- if not execute or column | lower in connector_columns(relation) -%}
        {{ column }}
    {%- else -%}
        cast(null as {{ data_type }})
    {%- endif -%}
{%- endmacro %}


{#- Whether a table exists in the warehouse (a raw table an older loader did not write yet). -#}
{% macro relation_exists(relation) -%}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {{ return(adapter.get_relation(relation.database, relation.schema, relation.identifier) is not none) }}
{%- endmacro %}
