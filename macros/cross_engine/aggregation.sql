{#- Aggregates that differ by engine: quantiles, first / last values by an order key, sorted joins. Behind adapter.dispatch: models read the same on every engine. -#}

{#- Linear-interpolated quantile (numpy / pandas default), ignoring nulls. -#}
{% macro percentile_cont(expression, fraction) -%}
    {{ return(adapter.dispatch('percentile_cont', 'intercom_sla')(expression, fraction)) }}
{%- endmacro %}

{% macro default__percentile_cont(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__percentile_cont(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}


{#- The value on the row with the smallest order key among rows meeting the condition, even when that
    value is null (arg_min-style pick; aggregates that skip nulls would pick a later row). -#}
{% macro value_at_first(value, order_key, condition='true') -%}
    {{ return(adapter.dispatch('value_at_first', 'intercom_sla')(value, order_key, condition)) }}
{%- endmacro %}

{% macro default__value_at_first(value, order_key, condition) -%}
    (array_agg({{ value }} order by {{ order_key }}) filter (where {{ condition }}))[1]
{%- endmacro %}

{% macro duckdb__value_at_first(value, order_key, condition) -%}
    arg_min_null({{ value }}, {{ order_key }}) filter (where {{ condition }})
{%- endmacro %}

{% macro spark__value_at_first(value, order_key, condition) -%}
    min_by({{ value }}, {{ order_key }}) filter (where {{ condition }})
{%- endmacro %}


{#- The non-null value with the smallest (first) order key. -#}
{% macro first_non_null_by(value, order_key) -%}
    {{ return(adapter.dispatch('first_non_null_by', 'intercom_sla')(value, order_key)) }}
{%- endmacro %}

{% macro default__first_non_null_by(value, order_key) -%}
    (array_agg({{ value }} order by {{ order_key }}) filter (where {{ value }} is not null))[1]
{%- endmacro %}

{% macro duckdb__first_non_null_by(value, order_key) -%}
    arg_min({{ value }}, {{ order_key }})
{%- endmacro %}

{% macro spark__first_non_null_by(value, order_key) -%}
    min_by({{ value }}, {{ order_key }}) filter (where {{ value }} is not null)
{%- endmacro %}


{#- The non-null value with the largest (last) order key. -#}
{% macro last_non_null_by(value, order_key) -%}
    {{ return(adapter.dispatch('last_non_null_by', 'intercom_sla')(value, order_key)) }}
{%- endmacro %}

{% macro default__last_non_null_by(value, order_key) -%}
    (array_agg({{ value }} order by {{ order_key }} desc) filter (where {{ value }} is not null))[1]
{%- endmacro %}

{% macro duckdb__last_non_null_by(value, order_key) -%}
    arg_max({{ value }}, {{ order_key }})
{%- endmacro %}

{% macro spark__last_non_null_by(value, order_key) -%}
    max_by({{ value }}, {{ order_key }}) filter (where {{ value }} is not null)
{%- endmacro %}


{#- Distinct-free, sorted concatenation of a group's values. -#}
{% macro sorted_string_agg(expression, delimiter) -%}
    {{ return(adapter.dispatch('sorted_string_agg', 'intercom_sla')(expression, delimiter)) }}
{%- endmacro %}

{% macro default__sorted_string_agg(expression, delimiter) -%}
    string_agg({{ expression }}, '{{ delimiter }}' order by {{ expression }})
{%- endmacro %}

{% macro spark__sorted_string_agg(expression, delimiter) -%}
    nullif(array_join(array_sort(collect_list({{ expression }})), '{{ delimiter }}'), '')
{%- endmacro %}


{#- Window: the last non-null value of `value` up to the current row, in `order_by` order within
    `partition_by` (a carried-forward value). PostgreSQL has no `ignore nulls`: there the non-null
    values so far are collected and the last one taken. -#}
{% macro last_non_null_over(value, partition_by, order_by) -%}
    {{ return(adapter.dispatch('last_non_null_over', 'intercom_sla')(value, partition_by, order_by)) }}
{%- endmacro %}

{% macro default__last_non_null_over(value, partition_by, order_by) -%}
    {%- set frame = 'partition by ' ~ partition_by ~ ' order by ' ~ order_by
        ~ ' rows between unbounded preceding and current row' -%}
    (array_agg({{ value }}) filter (where {{ value }} is not null) over ({{ frame }}))[count({{ value }}) over ({{ frame }})]
{%- endmacro %}

{% macro duckdb__last_non_null_over(value, partition_by, order_by) -%}
    last_value({{ value }} ignore nulls) over (
        partition by {{ partition_by }} order by {{ order_by }} rows between unbounded preceding and current row
    )
{%- endmacro %}

{% macro spark__last_non_null_over(value, partition_by, order_by) -%}
    last({{ value }}, true) over (
        partition by {{ partition_by }} order by {{ order_by }} rows between unbounded preceding and current row
    )
{%- endmacro %}


{#- part / whole (times scale) as a double, null when whole is 0. The part is cast first: integer
    division on PostgreSQL, and decimal literals (100.0) on Spark, would round. -#}
{% macro ratio(part, whole, scale=1) -%}
    (cast({{ part }} as {{ type_double() }}){{ ' * ' ~ scale if scale != 1 }} / nullif({{ whole }}, 0))
{%- endmacro %}


{#- Rows meeting a condition, as a bigint on every engine (DuckDB's sum would give a hugeint). -#}
{% macro count_where(condition) -%}
    cast(coalesce(sum(case when {{ condition }} then 1 else 0 end), 0) as {{ dbt.type_bigint() }})
{%- endmacro %}
