{#- Time on every engine: spans in seconds, UTC dates and weeks, local time to UTC, epoch text. Behind adapter.dispatch: models read the same on every engine. -#}


{#- Seconds (fractional) from start_ts to end_ts; negative when end_ts is earlier. -#}
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


{#- timestamp_ts moved by a (fractional) number of seconds, to the microsecond. -#}
{% macro add_seconds(timestamp_ts, seconds) -%}
    {{ return(adapter.dispatch('add_seconds', 'intercom_sla')(timestamp_ts, seconds)) }}
{%- endmacro %}

{% macro default__add_seconds(timestamp_ts, seconds) -%}
    ({{ timestamp_ts }} + ({{ seconds }}) * interval '1 second')
{%- endmacro %}

{% macro duckdb__add_seconds(timestamp_ts, seconds) -%}
    ({{ timestamp_ts }} + to_microseconds(cast(round(({{ seconds }}) * 1000000) as bigint)))
{%- endmacro %}

{% macro spark__add_seconds(timestamp_ts, seconds) -%}
    timestamp_micros(unix_micros({{ timestamp_ts }}) + cast(round(({{ seconds }}) * 1000000) as bigint))
{%- endmacro %}


{#- A timestamptz from text a connector wrote: ISO 8601 with an offset or `Z` read at that offset, ISO
    without one read as UTC, unix epoch seconds as epochs; blank is null. Anything else stops the query
    with `what` (table and column) and the value in the message. -#}
{% macro timestamp_from_text(text, what) -%}
    {%- set trimmed = 'trim(' ~ text ~ ')' -%}
    {%- set iso = "'^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?$'" -%}
    {%- set iso_with_offset = "'^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)$'" -%}
    case
        -- before the error branch: Spark's raise_error stops on a null message, which the others return as null
        when {{ trimmed }} is null or {{ trimmed }} = '' then null
        when {{ regexp_like(trimmed, "'^[0-9]+([.][0-9]+)?$'") }}
            then {{ epoch_text_to_timestamp(trimmed) }}
        when {{ regexp_like(trimmed, iso_with_offset) }}
            then {{ offset_text_to_timestamp(trimmed) }}
        when {{ regexp_like(trimmed, iso) }}
            then {{ local_to_utc('cast(' ~ trimmed ~ ' as ' ~ dbt.type_timestamp() ~ ')', "'UTC'") }}
        else {{ timestamp_query_error(
            "'intercom_sla: " ~ what ~ " holds ''' || " ~ text ~ " || ''', which is not an ISO 8601 timestamp or epoch seconds'"
        ) }}
    end
{%- endmacro %}


{#- Whether text matches a regular expression. -#}
{% macro regexp_like(text, pattern) -%}
    {{ return(adapter.dispatch('regexp_like', 'intercom_sla')(text, pattern)) }}
{%- endmacro %}

{% macro default__regexp_like(text, pattern) -%}
    ({{ text }} ~ {{ pattern }})
{%- endmacro %}

{% macro duckdb__regexp_like(text, pattern) -%}
    regexp_matches({{ text }}, {{ pattern }})
{%- endmacro %}

{% macro spark__regexp_like(text, pattern) -%}
    ({{ text }} rlike {{ pattern }})
{%- endmacro %}


{#- A timestamptz from ISO 8601 text that carries its offset or `Z`. -#}
{% macro offset_text_to_timestamp(text) -%}
    {{ return(adapter.dispatch('offset_text_to_timestamp', 'intercom_sla')(text)) }}
{%- endmacro %}

{% macro default__offset_text_to_timestamp(text) -%}
    cast({{ text }} as timestamptz)
{%- endmacro %}

{% macro spark__offset_text_to_timestamp(text) -%}
    cast({{ text }} as timestamp)
{%- endmacro %}


{#- A timestamp-typed expression that stops the query with `message` (a text expression) when it is
    evaluated (query_error). -#}
{% macro timestamp_query_error(message) -%}
    {{ return(adapter.dispatch('timestamp_query_error', 'intercom_sla')(message)) }}
{%- endmacro %}

{% macro default__timestamp_query_error(message) -%}
    to_timestamp({{ query_error(message) }})
{%- endmacro %}

{% macro duckdb__timestamp_query_error(message) -%}
    cast({{ query_error(message) }} as timestamptz)
{%- endmacro %}

{% macro spark__timestamp_query_error(message) -%}
    cast({{ query_error(message) }} as timestamp)
{%- endmacro %}


{#- An expression that stops the query with `message` (a text expression) when it is evaluated, so the
    message reaches the user as the error: the engine's own error function, or (PostgreSQL) a cast
    that fails quoting it. -#}
{% macro query_error(message) -%}
    {{ return(adapter.dispatch('query_error', 'intercom_sla')(message)) }}
{%- endmacro %}

{% macro default__query_error(message) -%}
    cast({{ message }} as integer)
{%- endmacro %}

{% macro duckdb__query_error(message) -%}
    error({{ message }})
{%- endmacro %}

{% macro spark__query_error(message) -%}
    raise_error({{ message }})
{%- endmacro %}
