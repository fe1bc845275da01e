-- SPEC §6: each schedule's open hours as UTC intervals over the data's date range. Every local day
-- is placed in the schedule's own time zone, so DST changes move its hours correctly; a holiday
-- removes the intervals opening on it; overlapping intervals are merged. Intervals are split at UTC
-- midnight so a timestamp finds its day's intervals with an equality join, and each UTC day carries
-- the schedule's open seconds before it: open seconds up to an instant are then one lookup, and
-- between two instants a difference of two.
with

business_hours as (

    select
        schedule,
        timezone,
        weekday,
        opens_at,
        closes_at
    from {{ ref('business_hours') }}

),

holidays as (

    select
        schedule,
        holiday_date
    from {{ ref('holidays') }}

),

resolutions as (

    select
        resolution_started_at,
        resolved_at,
        data_as_of
    from {{ ref('int_conversations_resolved') }}

),

message_conversations as (

    select first_message_at
    from {{ ref('int_conversations_first_response_found') }}

),

resolution_range as (

    select
        least(min(resolution_started_at), coalesce(min(resolved_at), min(resolution_started_at))) as earliest_at,
        max(data_as_of) as latest_at
    from resolutions

),

message_range as (

    select min(first_message_at) as earliest_at
    from message_conversations

),

data_bounds as (

    select
        resolution_range.latest_at,
        least(
            resolution_range.earliest_at, coalesce(message_range.earliest_at, resolution_range.earliest_at)
        ) as earliest_at
    from resolution_range
    cross join message_range

),

data_range as (

    select
        {{ utc_date('earliest_at') }} as first_date,
        {{ utc_date('latest_at') }} as last_date
    from data_bounds

),

-- wide enough for any UTC offset and an overnight interval to reach into the UTC days
local_days as (

    {{ date_spine(
        dbt.dateadd('day', -3, '(select first_date from data_range)'),
        dbt.dateadd('day', 3, '(select last_date from data_range)'),
        1
    ) }}

),

utc_days as (

    {{ date_spine(
        dbt.dateadd('day', -1, '(select first_date from data_range)'),
        dbt.dateadd('day', 1, '(select last_date from data_range)'),
        1
    ) }}

),

local_intervals as (

    select
        business_hours.schedule,
        business_hours.timezone,
        cast(local_days.spine_date as timestamp) as local_midnight,
        {{ minutes_of_day('business_hours.opens_at') }} as opens_minute,
        {{ minutes_of_day('business_hours.closes_at') }} as closes_minute
    from business_hours
    inner join local_days
        on business_hours.weekday = {{ iso_weekday('local_days.spine_date') }}
    left join holidays
        on
            business_hours.schedule = holidays.schedule
            and local_days.spine_date = holidays.holiday_date
    where holidays.schedule is null

),

utc_intervals as (

    -- a closing time not after the opening time is on the next day
    select
        schedule,
        {{ local_to_utc(dbt.dateadd('minute', 'opens_minute', 'local_midnight'), 'timezone') }} as open_at,
        {{ local_to_utc(
            dbt.dateadd(
                'minute',
                'case when closes_minute <= opens_minute then closes_minute + 1440 else closes_minute end',
                'local_midnight'
            ),
            'timezone'
        ) }} as close_at
    from local_intervals

),

ordered as (

    select
        *,
        max(close_at) over (
            partition by schedule order by open_at, close_at
            rows between unbounded preceding and 1 preceding
        ) as previous_close_at
    from utc_intervals

),

islands as (

    -- an interval opening after every earlier one has closed starts a new merged interval
    select
        *,
        sum(case when previous_close_at >= open_at then 0 else 1 end) over (
            partition by schedule order by open_at, close_at
            rows between unbounded preceding and current row
        ) as island
    from ordered

),

merged as (

    select
        schedule,
        min(open_at) as open_at,
        max(close_at) as close_at
    from islands
    group by schedule, island

),

day_bounds as (

    select
        spine_date as utc_day,
        {{ local_to_utc('cast(spine_date as timestamp)', "'UTC'") }} as day_start_at,
        {{ local_to_utc(dbt.dateadd('day', 1, 'cast(spine_date as timestamp)'), "'UTC'") }} as day_end_at
    from utc_days

),

pieces as (

    select
        merged.schedule,
        day_bounds.utc_day,
        greatest(merged.open_at, day_bounds.day_start_at) as open_at,
        least(merged.close_at, day_bounds.day_end_at) as close_at
    from merged
    inner join day_bounds
        on
            merged.open_at < day_bounds.day_end_at
            and merged.close_at > day_bounds.day_start_at

),

schedule_days as (

    select
        schedules.schedule,
        day_bounds.utc_day
    from (select distinct schedule from business_hours) as schedules
    cross join day_bounds

),

day_totals as (

    select
        schedule_days.schedule,
        schedule_days.utc_day,
        coalesce(sum({{ seconds_between('pieces.open_at', 'pieces.close_at') }}), 0) as open_seconds
    from schedule_days
    left join pieces
        on
            schedule_days.schedule = pieces.schedule
            and schedule_days.utc_day = pieces.utc_day
    group by schedule_days.schedule, schedule_days.utc_day

),

cumulated as (

    select
        schedule,
        utc_day,
        coalesce(sum(open_seconds) over (
            partition by schedule order by utc_day
            rows between unbounded preceding and 1 preceding
        ), 0) as open_seconds_before_day
    from day_totals

),

final as (

    select
        cumulated.schedule,
        cumulated.utc_day,
        cumulated.open_seconds_before_day,
        pieces.open_at,
        pieces.close_at,
        row_number() over (
            partition by cumulated.schedule, cumulated.utc_day order by pieces.open_at
        ) as interval_of_day
    from cumulated
    left join pieces
        on
            cumulated.schedule = pieces.schedule
            and cumulated.utc_day = pieces.utc_day

)

select * from final
