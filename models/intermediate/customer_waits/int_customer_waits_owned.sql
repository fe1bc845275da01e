-- SPEC §7: who owned the conversation when each wait started and when its threshold elapses (the
-- breach moment, should the wait breach): the latest owner change at or before each moment. The
-- moment is start + threshold in the wait's clock whether or not the wait breaches, so this runs
-- beside fct_conversations instead of after it; fct_customer_waits keeps the breach owner only for
-- breached waits.
-- Incremental: a run redoes the conversations loaded since the last one and those with a business-time
-- threshold moment not yet placed (beyond the office-hours intervals of the as-of time); every
-- conversation when a seed or variable changed.
with

waits as (

    select
        conversation_id,
        wait_number,
        started_at,
        threshold_minutes,
        sla_schedule
    from {{ ref('int_customer_waits_policy_matched') }}
    {{ only_conversations_to_refresh(
        'sla_schedule is not null and threshold_minutes is not null and threshold_elapses_at is null',
        depends_on_settings=true
    ) }}

),

business_times as (

    select
        conversation_id,
        wait_number,
        business_breach_at
    from {{ ref('int_customer_waits_business_timed') }}

),

owners as (

    select
        conversation_id,
        message_key,
        owned_from,
        assignee_id,
        team_id
    from {{ ref('int_conversation_owners_replayed') }}
    {{ only_conversations_to_refresh(
        'sla_schedule is not null and threshold_minutes is not null and threshold_elapses_at is null',
        depends_on_settings=true
    ) }}

),

thresholds as (

    select
        waits.conversation_id,
        waits.wait_number,
        waits.started_at,
        waits.threshold_minutes,
        waits.sla_schedule,
        case
            when waits.sla_schedule is null then {{ add_seconds('waits.started_at', 'waits.threshold_minutes * 60') }}
            else business_times.business_breach_at
        end as threshold_elapses_at
    from waits
    left join business_times
        on
            waits.conversation_id = business_times.conversation_id
            and waits.wait_number = business_times.wait_number

),

owner_timeline as (

    -- owner changes and the moments asked about, in one order: a change at a moment counts for it
    select
        conversation_id,
        owned_from as timeline_at,
        0 as is_moment,
        message_key,
        assignee_id,
        team_id,
        null as wait_number,
        null as moment
    from owners

    union all

    select
        conversation_id,
        started_at as timeline_at,
        1 as is_moment,
        null as message_key,
        null as assignee_id,
        null as team_id,
        wait_number,
        'start' as moment
    from thresholds

    union all

    select
        conversation_id,
        threshold_elapses_at as timeline_at,
        1 as is_moment,
        null as message_key,
        null as assignee_id,
        null as team_id,
        wait_number,
        'threshold' as moment
    from thresholds
    where threshold_elapses_at is not null

),

owners_at_moments as (

    -- each moment takes the owner row before it, nulls included: values carried with a '=' mark
    select
        conversation_id,
        wait_number,
        moment,
        is_moment,
        max(1 - is_moment) over (partition by conversation_id) as has_owner_rows,
        {{ last_non_null_over(
            "case when is_moment = 0 then '=' || coalesce(assignee_id, '') end",
            'conversation_id',
            'timeline_at, is_moment, message_key'
        ) }} as marked_assignee_id,
        {{ last_non_null_over(
            "case when is_moment = 0 then '=' || coalesce(team_id, '') end",
            'conversation_id',
            'timeline_at, is_moment, message_key'
        ) }} as marked_team_id
    from owner_timeline

),

owners_by_wait as (

    select
        conversation_id,
        wait_number,
        max(has_owner_rows) as has_owner_rows,
        max(case when moment = 'start' then nullif(substr(marked_assignee_id, 2), '') end) as assignee_at_start,
        max(case when moment = 'start' then nullif(substr(marked_team_id, 2), '') end) as team_at_start,
        max(case when moment = 'threshold' then nullif(substr(marked_assignee_id, 2), '') end)
            as assignee_at_threshold,
        max(case when moment = 'threshold' then nullif(substr(marked_team_id, 2), '') end) as team_at_threshold
    from owners_at_moments
    where is_moment = 1
    group by conversation_id, wait_number

),

load_mark as (

    select {{ loaded_through() }} as loaded_through

),

final as (

    select
        thresholds.conversation_id,
        thresholds.wait_number,
        thresholds.threshold_minutes,
        thresholds.sla_schedule,
        thresholds.threshold_elapses_at,
        owners_by_wait.assignee_at_start,
        owners_by_wait.team_at_start,
        owners_by_wait.assignee_at_threshold,
        owners_by_wait.team_at_threshold,
        load_mark.loaded_through,
        '{{ settings_fingerprint() }}' as settings_fingerprint,
        owners_by_wait.has_owner_rows = 1 as has_owner_rows
    from thresholds
    cross join load_mark
    inner join owners_by_wait
        on
            thresholds.conversation_id = owners_by_wait.conversation_id
            and thresholds.wait_number = owners_by_wait.wait_number

)

select * from final
