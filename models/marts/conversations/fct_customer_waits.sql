-- One row per customer wait (SPEC §7): when it started, who answered it and when, how long it lasted
-- in calendar and policy time, its verdict against the first-response (first wait) or next-reply
-- threshold, and who owned the conversation when it started and when the threshold elapsed.
-- A table over the incremental int_customer_waits_delimited: a running wait's length and verdict
-- move with the data's as-of time, so they are evaluated on every build.
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

),

business_times as (

    select
        conversation_id,
        wait_number,
        wait_business_seconds,
        business_breach_at
    from {{ ref('int_customer_waits_business_timed') }}

),

conversations as (

    select
        conversation_id,
        sla_status,
        assignee_id,
        team_id
    from {{ ref('fct_conversations') }}

),

owners as (

    select
        conversation_id,
        message_key,
        owned_from,
        assignee_id,
        team_id
    from {{ ref('int_conversation_owners_replayed') }}

),

clocked as (

    select
        waits.*,
        business_times.wait_business_seconds,
        business_times.business_breach_at,
        conversations.sla_status as first_response_sla_status,
        conversations.assignee_id as conversation_assignee_id,
        conversations.team_id as conversation_team_id,
        case when waits.sla_schedule is null then 'calendar' else 'business_hours' end as sla_clock,
        cast({{ seconds_between('waits.started_at', 'waits.clock_stopped_at') }} as {{ type_double() }})
            as wait_seconds,
        case
            when waits.sla_schedule is null then {{ seconds_between('waits.started_at', 'waits.clock_stopped_at') }}
            else business_times.wait_business_seconds
        end as clock_wait_seconds
    from waits
    inner join conversations
        on waits.conversation_id = conversations.conversation_id
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

breach_dated as (

    select
        *,
        case
            when status <> 'breached' then null
            when sla_schedule is null then {{ add_seconds('started_at', 'threshold_minutes * 60') }}
            else business_breach_at
        end as breach_at
    from evaluated

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
    where conversation_id in (select breach_dated.conversation_id from breach_dated)

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
    from breach_dated

    union all

    select
        conversation_id,
        breach_at as timeline_at,
        1 as is_moment,
        null as message_key,
        null as assignee_id,
        null as team_id,
        wait_number,
        'breach' as moment
    from breach_dated
    where breach_at is not null

),

owner_grouped as (

    select
        *,
        sum(1 - is_moment) over (
            partition by conversation_id order by timeline_at, is_moment, message_key
            rows between unbounded preceding and current row
        ) as owner_group,
        max(1 - is_moment) over (partition by conversation_id) as has_owner_rows
    from owner_timeline

),

owners_at_moments as (

    select
        conversation_id,
        wait_number,
        moment,
        has_owner_rows,
        is_moment,
        max(assignee_id) over (partition by conversation_id, owner_group) as owner_assignee_id,
        max(team_id) over (partition by conversation_id, owner_group) as owner_team_id
    from owner_grouped

),

owners_by_wait as (

    select
        conversation_id,
        wait_number,
        max(has_owner_rows) as has_owner_rows,
        max(case when moment = 'start' then owner_assignee_id end) as assignee_at_start,
        max(case when moment = 'start' then owner_team_id end) as team_at_start,
        max(case when moment = 'breach' then owner_assignee_id end) as assignee_at_breach,
        max(case when moment = 'breach' then owner_team_id end) as team_at_breach
    from owners_at_moments
    where is_moment = 1
    group by conversation_id, wait_number

),

owned as (

    -- a conversation with no owner rows at all keeps its current assignee and team throughout
    select
        breach_dated.*,
        breach_dated.conversation_id || ':' || cast(breach_dated.wait_number as {{ dbt.type_string() }}) as wait_id,
        breach_dated.wait_number = 1 as is_first_wait,
        case
            when owners_by_wait.has_owner_rows = 1 then owners_by_wait.assignee_at_start
            else breach_dated.conversation_assignee_id
        end as assignee_at_start,
        case
            when owners_by_wait.has_owner_rows = 1 then owners_by_wait.team_at_start
            else breach_dated.conversation_team_id
        end as team_at_start,
        case
            when breach_dated.breach_at is null then null
            when owners_by_wait.has_owner_rows = 1 then owners_by_wait.assignee_at_breach
            else breach_dated.conversation_assignee_id
        end as assignee_at_breach,
        case
            when breach_dated.breach_at is null then null
            when owners_by_wait.has_owner_rows = 1 then owners_by_wait.team_at_breach
            else breach_dated.conversation_team_id
        end as team_at_breach
    from breach_dated
    inner join owners_by_wait
        on
            breach_dated.conversation_id = owners_by_wait.conversation_id
            and breach_dated.wait_number = owners_by_wait.wait_number

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
        data_as_of
    from owned

)

select * from final
