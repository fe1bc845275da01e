{#- Engine-specific SQL lives here, behind adapter.dispatch, so models read the same on every engine.
    Each macro has a default (ANSI / PostgreSQL-flavoured) and, where they differ, a DuckDB and a Spark
    implementation. Spark runs with its session time zone set to UTC (profiles.yml), as DuckDB does. -#}

{% macro seconds_between(start_ts, end_ts) -%}
    {{ return(adapter.dispatch('seconds_between', 'intercom_sla')(start_ts, end_ts)) }}
{%- endmacro %}

{% macro default__seconds_between(start_ts, end_ts) -%}
    cast(extract(epoch from ({{ end_ts }} - {{ start_ts }})) as {{ type_double() }})
{%- endmacro %}

{% macro duckdb__seconds_between(start_ts, end_ts) -%}
    (epoch({{ end_ts }}) - epoch({{ start_ts }}))
{%- endmacro %}

{% macro spark__seconds_between(start_ts, end_ts) -%}
    cast(unix_micros({{ end_ts }}) - unix_micros({{ start_ts }}) as double) / 1000000
{%- endmacro %}


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


{#- The non-null value with the smallest (first) or largest (last) order key. -#}
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


{#- Monday of the UTC week holding a timestamptz, as a date. -#}
{% macro utc_week_start(timestamp) -%}
    {{ return(adapter.dispatch('utc_week_start', 'intercom_sla')(timestamp)) }}
{%- endmacro %}

{% macro default__utc_week_start(timestamp) -%}
    cast(date_trunc('week', {{ timestamp }} at time zone 'UTC') as date)
{%- endmacro %}

{% macro spark__utc_week_start(timestamp) -%}
    cast(date_trunc('week', {{ timestamp }}) as date)
{%- endmacro %}


{#- The UTC calendar date of a timestamptz. -#}
{% macro utc_date(timestamp) -%}
    {{ return(adapter.dispatch('utc_date', 'intercom_sla')(timestamp)) }}
{%- endmacro %}

{% macro default__utc_date(timestamp) -%}
    cast({{ timestamp }} at time zone 'UTC' as date)
{%- endmacro %}

{% macro spark__utc_date(timestamp) -%}
    to_date({{ timestamp }})
{%- endmacro %}


{#- A timestamptz as text in UTC: `2026-03-02 14:10:00`, fractional seconds only when there are any. -#}
{% macro utc_timestamp_text(timestamp) -%}
    {{ return(adapter.dispatch('utc_timestamp_text', 'intercom_sla')(timestamp)) }}
{%- endmacro %}

{% macro default__utc_timestamp_text(timestamp) -%}
    cast({{ timestamp }} at time zone 'UTC' as {{ dbt.type_string() }})
{%- endmacro %}

{% macro spark__utc_timestamp_text(timestamp) -%}
    cast({{ timestamp }} as string)
{%- endmacro %}

{#- A one-column relation (spine_date) of dates from start to end inclusive, step days apart. -#}
{% macro date_spine(start_date, end_date, step_days) -%}
    {{ return(adapter.dispatch('date_spine', 'intercom_sla')(start_date, end_date, step_days)) }}
{%- endmacro %}

{% macro default__date_spine(start_date, end_date, step_days) -%}
    select cast(spine_day as date) as spine_date
    from generate_series(
        cast({{ start_date }} as timestamp), cast({{ end_date }} as timestamp), interval '{{ step_days }} day'
    ) as spine(spine_day)
{%- endmacro %}

{% macro duckdb__date_spine(start_date, end_date, step_days) -%}
    select cast(spine.generate_series as date) as spine_date
    from generate_series(
        cast({{ start_date }} as timestamp), cast({{ end_date }} as timestamp), interval '{{ step_days }} day'
    ) as spine
{%- endmacro %}

{% macro spark__date_spine(start_date, end_date, step_days) -%}
    select explode(sequence(
        cast({{ start_date }} as date), cast({{ end_date }} as date), interval {{ step_days }} day
    )) as spine_date
{%- endmacro %}


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


{#- ISO day of the week of a date: 1 = Monday … 7 = Sunday. -#}
{% macro iso_weekday(date) -%}
    {{ return(adapter.dispatch('iso_weekday', 'intercom_sla')(date)) }}
{%- endmacro %}

{% macro default__iso_weekday(date) -%}
    cast(extract(isodow from {{ date }}) as integer)
{%- endmacro %}

{% macro spark__iso_weekday(date) -%}
    (weekday({{ date }}) + 1)
{%- endmacro %}


{#- The instant (timestamptz) at which a local wall-clock timestamp occurs in an IANA time zone. -#}
{% macro local_to_utc(local_timestamp, timezone) -%}
    {{ return(adapter.dispatch('local_to_utc', 'intercom_sla')(local_timestamp, timezone)) }}
{%- endmacro %}

{% macro default__local_to_utc(local_timestamp, timezone) -%}
    (({{ local_timestamp }}) at time zone {{ timezone }})
{%- endmacro %}

{% macro duckdb__local_to_utc(local_timestamp, timezone) -%}
    timezone({{ timezone }}, {{ local_timestamp }})
{%- endmacro %}

{% macro spark__local_to_utc(local_timestamp, timezone) -%}
    to_utc_timestamp({{ local_timestamp }}, {{ timezone }})
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


{#- A timestamptz from a text of unix epoch seconds. -#}
{% macro epoch_text_to_timestamp(text) -%}
    {{ return(adapter.dispatch('epoch_text_to_timestamp', 'intercom_sla')(text)) }}
{%- endmacro %}

{% macro default__epoch_text_to_timestamp(text) -%}
    to_timestamp(cast({{ text }} as {{ type_double() }}))
{%- endmacro %}

{% macro spark__epoch_text_to_timestamp(text) -%}
    timestamp_seconds(cast({{ text }} as double))
{%- endmacro %}
