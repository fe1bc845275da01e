-- One row per customer wait (SPEC §7): when it started, who answered it and when, how long it lasted
-- in calendar and policy time, its verdict against the first-response (first wait) or next-reply
-- threshold, and who owned the conversation when it started and when the threshold elapsed.
-- Incremental: a run redoes the conversations loaded since the last one and those with a wait still
-- running (its length and verdict move with data_as_of); every conversation when a seed or variable
-- changed.
{{ config(post_hook="{{ restamp_data_as_of(ref('int_conversations_resolved')) }}") }}
with

waits as (

    select
        conversation_id,
        wait_number,
        started_at,
        customer_messages,
        first_bot_reply_at,
        ended_at,
        ended_by,
        replied_at,
        responder_id,
        priority,
        sla_schedule,
        threshold_minutes,
        clock_stopped_at,
        data_as_of
    from {{ ref('int_customer_waits_policy_matched') }}
    {{ only_conversations_to_refresh('ended_at is null', depends_on_settings=true) }}

),

business_times as (

    select
        conversation_id,
        wait_number,
        wait_business_seconds
    from {{ ref('int_customer_waits_business_timed') }}

),

owned as (

    select
        conversation_id,
        wait_number,
        threshold_elapses_at,
        has_owner_rows,
        assignee_at_start,
        team_at_start,
        assignee_at_threshold,
        team_at_threshold
    from {{ ref('int_customer_waits_owned') }}

),

conversations as (

    select
        conversation_id,
        sla_status,
        assignee_id,
        team_id
    from {{ ref('fct_conversations') }}

),

load_mark as (

    select {{ loaded_through() }} as loaded_through

),

clocked as (

    select
        waits.*,
        business_times.wait_business_seconds,
        owned.threshold_elapses_at,
        owned.has_owner_rows,
        owned.assignee_at_start as owner_at_start,
        owned.team_at_start as team_owner_at_start,
        owned.assignee_at_threshold,
        owned.team_at_threshold,
        conversations.sla_status as first_response_sla_status,
        conversations.assignee_id as conversation_assignee_id,
        conversations.team_id as conversation_team_id,
        load_mark.loaded_through,
        case when waits.sla_schedule is null then 'calendar' else 'business_hours' end as sla_clock,
        cast({{ seconds_between('waits.started_at', 'waits.clock_stopped_at') }} as {{ type_double() }})
            as wait_seconds,
        case
            when waits.sla_schedule is null then {{ seconds_between('waits.started_at', 'waits.clock_stopped_at') }}
            else business_times.wait_business_seconds
        end as clock_wait_seconds
    from waits
    cross join load_mark
    inner join conversations
        on waits.conversation_id = conversations.conversation_id
    inner join owned
        on
            waits.conversation_id = owned.conversation_id
            and waits.wait_number = owned.wait_number
    left join business_times
        on
            waits.conversation_id = business_times.conversation_id
            and waits.wait_number = business_times.wait_number

),

evaluated as (

    -- the first wait is the first response and takes its verdict, so the two always agree
    select
        *,
        case
            when wait_number = 1 then first_response_sla_status
            when threshold_minutes is null then 'no_target'
            when ended_by = 'closed' then 'closed_without_reply'
            when clock_wait_seconds > threshold_minutes * 60 then 'breached'
            when clock_wait_seconds <= threshold_minutes * 60 and ended_by = 'open' then 'pending'
            when clock_wait_seconds <= threshold_minutes * 60 then 'met'
        end as status
    from clocked

),

owned_at_breach as (

    -- a conversation with no owner rows at all keeps its current assignee and team throughout
    select
        *,
        conversation_id || ':' || cast(wait_number as {{ dbt.type_string() }}) as wait_id,
        wait_number = 1 as is_first_wait,
        case when status = 'breached' then threshold_elapses_at end as breach_at,
        case when has_owner_rows then owner_at_start else conversation_assignee_id end as assignee_at_start,
        case when has_owner_rows then team_owner_at_start else conversation_team_id end as team_at_start,
        case
            when status <> 'breached' then null
            when has_owner_rows then assignee_at_threshold
            else conversation_assignee_id
        end as assignee_at_breach,
        case
            when status <> 'breached' then null
            when has_owner_rows then team_at_threshold
            else conversation_team_id
        end as team_at_breach
    from evaluated

),

final as (

    select
        wait_id,
        conversation_id,
        wait_number,
        is_first_wait,
        started_at,
        customer_messages,
        first_bot_reply_at,
        ended_by,
        ended_at,
        replied_at,
        responder_id,
        wait_seconds,
        wait_business_seconds,
        priority,
        sla_clock,
        sla_schedule,
        threshold_minutes,
        status,
        breach_at,
        assignee_at_start,
        team_at_start,
        assignee_at_breach,
        team_at_breach,
        data_as_of,
        loaded_through,
        '{{ settings_fingerprint() }}' as settings_fingerprint
    from owned_at_breach

)

select * from final
