{#- JSON built and read on every engine. Behind adapter.dispatch: models read the same on every engine. -#}

{#- JSON text of an object built from a group's key/value pairs, keys in order. -#}
{% macro json_object_agg(key, value) -%}
    {{ return(adapter.dispatch('json_object_agg', 'intercom_sla')(key, value)) }}
{%- endmacro %}

{% macro default__json_object_agg(key, value) -%}
    cast(json_object_agg({{ key }}, {{ value }} order by {{ key }}) as text)
{%- endmacro %}

{% macro duckdb__json_object_agg(key, value) -%}
    cast(to_json(map_from_entries(list(struct_pack(k := {{ key }}, v := {{ value }}) order by {{ key }}))) as varchar)
{%- endmacro %}

{% macro spark__json_object_agg(key, value) -%}
    to_json(map_from_entries(array_sort(collect_list(struct({{ key }}, {{ value }})))))
{%- endmacro %}


{#- JSON text of an array of objects (one per row, built from name/expression pairs) in order. -#}
{% macro json_array_agg(fields, order_by) -%}
    {{ return(adapter.dispatch('json_array_agg', 'intercom_sla')(fields, order_by)) }}
{%- endmacro %}

{% macro default__json_array_agg(fields, order_by) -%}
    cast(coalesce(json_agg(json_build_object(
        {%- for name, expression in fields.items() %}'{{ name }}', {{ expression }}{{ ", " if not loop.last }}{% endfor -%}
    ) order by {{ order_by }}), '[]') as text)
{%- endmacro %}

{% macro duckdb__json_array_agg(fields, order_by) -%}
    cast(to_json(coalesce(list(json_object(
        {%- for name, expression in fields.items() %}'{{ name }}', {{ expression }}{{ ", " if not loop.last }}{% endfor -%}
    ) order by {{ order_by }}), [])) as varchar)
{%- endmacro %}

{% macro spark__json_array_agg(fields, order_by) -%}
    to_json(
        transform(
            array_sort(collect_list(struct({{ order_by }} as sort_key, named_struct(
                {%- for name, expression in fields.items() %}'{{ name }}', {{ expression }}{{ ", " if not loop.last }}{% endfor -%}
            ) as item))),
            entry -> entry.item
        ),
        map('ignoreNullFields', 'false')
    )
{%- endmacro %}


{#- The text value of a top-level key of a JSON column, null when absent. -#}
{% macro json_text(column, key) -%}
    {{ return(adapter.dispatch('json_text', 'intercom_sla')(column, key)) }}
{%- endmacro %}

{% macro default__json_text(column, key) -%}
    ({{ column }} ->> '{{ key }}')
{%- endmacro %}

{% macro spark__json_text(column, key) -%}
    get_json_object({{ column }}, '$.{{ key }}')
{%- endmacro %}


{#- The text at a path of keys inside a JSON column (Airbyte writes Intercom's nested objects as JSON:
    `source`, `author`, `statistics`), null where absent. -#}
{% macro json_path_text(column, keys) -%}
    {{ return(adapter.dispatch('json_path_text', 'intercom_sla')(column, keys)) }}
{%- endmacro %}

{% macro default__json_path_text(column, keys) -%}
    (cast({{ column }} as jsonb) #>> '{{ "{" ~ keys | join(",") ~ "}" }}')
{%- endmacro %}

{% macro duckdb__json_path_text(column, keys) -%}
    (cast({{ column }} as json) ->> '{{ json_path(keys) }}')
{%- endmacro %}

{% macro spark__json_path_text(column, keys) -%}
    get_json_object({{ column }}, '{{ json_path(keys) }}')
{%- endmacro %}


{#- A JSONPath (`$.contacts[0].id`) from a list of keys, where a number is an array index. -#}
{% macro json_path(keys) -%}
    ${% for key in keys %}{% if (key | string).isdigit() %}[{{ key }}]{% else %}.{{ key }}{% endif %}{% endfor %}
{%- endmacro %}


{#- The `name` of every object in the array at `array_key` of a JSON column, joined with `delimiter`
    (Intercom's `tags.tags[].name`); null when there are none. -#}
{% macro json_array_names(column, array_key, delimiter) -%}
    {{ return(adapter.dispatch('json_array_names', 'intercom_sla')(column, array_key, delimiter)) }}
{%- endmacro %}

{% macro default__json_array_names(column, array_key, delimiter) -%}
    (
        select nullif(string_agg(trim(element ->> 'name'), '{{ delimiter }}' order by trim(element ->> 'name')), '')
        from jsonb_array_elements(coalesce(cast({{ column }} as jsonb) -> '{{ array_key }}', '[]'::jsonb)) as element
        where trim(element ->> 'name') <> ''
    )
{%- endmacro %}

{% macro duckdb__json_array_names(column, array_key, delimiter) -%}
    nullif(array_to_string(list_sort(list_filter(
        json_extract_string(cast({{ column }} as json), '$.{{ array_key }}[*].name'),
        lambda tag: coalesce(trim(tag), '') <> ''
    )), '{{ delimiter }}'), '')
{%- endmacro %}

{% macro spark__json_array_names(column, array_key, delimiter) -%}
    nullif(array_join(array_sort(from_json(
        get_json_object({{ column }}, '$.{{ array_key }}[*].name'), 'array<string>'
    )), '{{ delimiter }}'), '')
{%- endmacro %}
