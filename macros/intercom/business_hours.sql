{#- The business_hours seed and the office-hours settings (SPEC §6). -#}

{#- SPEC §6: a schedule's open seconds before `instant`, spread over the rows of an
    int_business_hours_intervals join on the instant's UTC day (alias `intervals`): summed over the day's
    rows it is the day's running total plus each interval's open part before the instant. -#}
{% macro open_seconds_before(instant) -%}
    case when intervals.interval_of_day = 1 then intervals.open_seconds_before_day else 0 end
    + coalesce(
        greatest({{ seconds_between('intervals.open_at', 'least(' ~ instant ~ ', intervals.close_at)') }}, 0),
        0
    )
{%- endmacro %}


{#- Minutes after midnight of an `HH:MM` time of day (business_hours seed; `24:00` is 1440). -#}
{% macro minutes_of_day(hh_mm) -%}
    (cast({{ dbt.split_part(hh_mm, "':'", 1) }} as integer) * 60 + cast({{ dbt.split_part(hh_mm, "':'", 2) }} as integer))
{%- endmacro %}


{#- The schedule business minutes are shown in for conversations whose policy runs on calendar time
    (project variable business_hours_comparison_schedule), as a SQL literal; null when unset. -#}
{% macro business_hours_comparison_schedule() -%}
    {%- set schedule = var('business_hours_comparison_schedule', '') -%}
    {%- if schedule -%}
        '{{ schedule | replace("'", "''") }}'
    {%- else -%}
        cast(null as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}


{#- SPEC §6: the business seconds of each span of `spans` (a relation or CTE with the `keys` columns, the
    schedule, and the span's start and end), one row per key: each end is located in its UTC day of the
    caller's `intervals` CTE (int_business_hours_intervals), and a span is the difference of the open
    seconds before its two ends, so the cost grows with the spans, not with the days they cover. Also the
    open seconds before the start, from which a threshold's moment is found. Both are null when an end
    falls outside the intervals' days, so the gap shows instead of a wrong sum. -#}
{% macro business_seconds_of_spans(spans, keys, schedule, span_start, span_end) -%}
    {%- set all_ends_located = 'count(intervals.utc_day) = count(*)' -%}
    select
        {% for key in keys -%}
        span_ends.{{ key }},
        {% endfor -%}
        case
            when {{ all_ends_located }} then sum(span_ends.sign * ({{ open_seconds_before('span_ends.end_at') }}))
        end as business_seconds,
        case
            when {{ all_ends_located }}
                then sum(case when span_ends.sign = -1 then {{ open_seconds_before('span_ends.end_at') }} end)
        end as open_seconds_before_start
    from (
        select
            {{ keys | join(', ') }},
            {{ schedule }} as schedule,
            {{ span_end }} as end_at,
            1 as sign
        from {{ spans }}

        union all

        select
            {{ keys | join(', ') }},
            {{ schedule }} as schedule,
            {{ span_start }} as end_at,
            -1 as sign
        from {{ spans }}
    ) as span_ends
    left join intervals
        on
            span_ends.schedule = intervals.schedule
            and {{ utc_date('span_ends.end_at') }} = intervals.utc_day
    group by {% for key in keys %}span_ends.{{ key }}{{ ', ' if not loop.last }}{% endfor %}
{%- endmacro %}
