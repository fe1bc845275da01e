{#- Strings split into rows, and type names that differ by engine. Behind adapter.dispatch: models read the same on every engine. -#}

{#- One output row per element of a delimited string (use in a select list). -#}
{% macro split_to_rows(text, delimiter) -%}
    {{ return(adapter.dispatch('split_to_rows', 'intercom_sla')(text, delimiter)) }}
{%- endmacro %}

{% macro default__split_to_rows(text, delimiter) -%}
    unnest(string_to_array({{ text }}, '{{ delimiter }}'))
{%- endmacro %}

{% macro duckdb__split_to_rows(text, delimiter) -%}
    unnest(string_split({{ text }}, '{{ delimiter }}'))
{%- endmacro %}

{% macro spark__split_to_rows(text, delimiter) -%}
    explode(split({{ text }}, '[{{ delimiter }}]'))
{%- endmacro %}


{#- An 8-byte floating-point type name. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'intercom_sla')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}
