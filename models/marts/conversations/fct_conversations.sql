-- One row per conversation known to any export: first response and its SLA verdict (SPEC §3) and
-- resolution with its SLA verdict (SPEC §4).
-- Incremental: a run redoes the conversations loaded since the last one and those still waiting or
-- open (their figures move with data_as_of); every conversation when a seed or variable changed. The
-- resolutions drive every join, so only they (and the tags, aggregated first) are filtered.
{{ config(post_hook="{{ restamp_data_as_of(ref('int_conversations_resolved')) }}") }}
-- built after the reply ledger's owners, never beside them: the two together outgrow the default
-- memory limit on a large appended week (docs/operations.md)
-- depends_on: {{ ref('int_customer_waits_owned') }}

{%- set moves_with_as_of = "state = 'open' or (in_first_response_scope and first_response_at is null)" %}
with

resolutions as (

    select
        conversation_id,
        resolution_source,
        resolution_started_at,
        state,
        is_resolved,
        first_closed_at,
        last_closed_at,
        resolved_at,
        resolution_seconds,
        open_seconds,
        reopen_count,
        resolution_exclusion_reason,
        data_as_of
    from {{ ref('int_conversations_resolved') }}
    {{ only_conversations_to_refresh(moves_with_as_of, depends_on_settings=true) }}

),

message_conversations as (

    select
        conversation_id,
        started_at,
        first_message_at,
        message_count,
        first_response_at,
        first_response_source,
        started_at_source,
        is_incomplete,
        assignee_id,
        team_id
    from {{ ref('int_conversations_statistics_applied') }}

),

export_conversations as (

    select
        conversation_id,
        user_id,
        started_at,
        assignee_email,
        message_count,
        intercom_admin_assignee_id,
        intercom_team_assignee_id
    from {{ intercom_staged('conversations') }}

),

conversation_tags as (

    select
        conversation_id,
        tag
    from {{ ref('int_conversation_tags_unnested') }}
    {{ only_conversations_to_refresh(moves_with_as_of, depends_on_settings=true) }}

),

policies as (

    select
        conversation_id,
        priority,
        sla_threshold_minutes,
        resolution_threshold_minutes,
        sla_schedule,
        business_schedule
    from {{ ref('int_conversations_policy_matched') }}

),

business_times as (

    select
        conversation_id,
        response_business_seconds,
        unanswered_business_seconds,
        resolution_business_seconds,
        open_business_seconds
    from {{ ref('int_conversations_business_timed') }}

),

load_mark as (

    select {{ loaded_through() }} as loaded_through

),

tag_lists as (

    select
        conversation_id,
        {{ sorted_string_agg('tag', ',') }} as tags
    from conversation_tags
    group by conversation_id

),

combined as (

    -- message-derived values first; the conversation export fills what messages do not carry,
    -- except message_count, where the export's own count is preferred
    select
        resolutions.*,
        message_conversations.started_at as message_started_at,
        message_conversations.first_message_at,
        message_conversations.first_response_at,
        message_conversations.first_response_source,
        message_conversations.started_at_source,
        export_conversations.user_id,
        export_conversations.assignee_email,
        policies.priority,
        policies.sla_threshold_minutes,
        policies.resolution_threshold_minutes,
        policies.sla_schedule,
        policies.business_schedule,
        business_times.response_business_seconds,
        business_times.unanswered_business_seconds,
        business_times.resolution_business_seconds,
        business_times.open_business_seconds,
        -- a conversation whose parts carry no assignment keeps Intercom's current assignee
        coalesce(message_conversations.assignee_id, export_conversations.intercom_admin_assignee_id) as assignee_id,
        coalesce(message_conversations.team_id, export_conversations.intercom_team_assignee_id) as team_id,
        coalesce(message_conversations.is_incomplete, false) as is_incomplete,
        coalesce(message_conversations.started_at, export_conversations.started_at) as started_at,
        coalesce(export_conversations.message_count, message_conversations.message_count) as message_count
    from resolutions
    inner join policies
        on resolutions.conversation_id = policies.conversation_id
    left join business_times
        on resolutions.conversation_id = business_times.conversation_id
    left join message_conversations
        on resolutions.conversation_id = message_conversations.conversation_id
    left join export_conversations
        on resolutions.conversation_id = export_conversations.conversation_id

),

measured as (

    select
        *,
        message_started_at is not null as in_first_response_scope,
        is_resolved and resolution_exclusion_reason is null as in_resolution_metrics,
        {{ seconds_between('message_started_at', 'first_response_at') }} as response_seconds,
        {{ seconds_between('message_started_at', 'data_as_of') }} as seconds_open_at_data_as_of,
        sla_threshold_minutes * 60 as sla_threshold_seconds,
        resolution_threshold_minutes * 60 as resolution_threshold_seconds
    from combined

),

clocked as (

    -- the policy's clock: business seconds when it names a schedule, calendar seconds otherwise
    select
        *,
        case when sla_schedule is null then 'calendar' else 'business_hours' end as sla_clock,
        case when sla_schedule is null then response_seconds else response_business_seconds end
            as clock_response_seconds,
        case when sla_schedule is null then seconds_open_at_data_as_of else unanswered_business_seconds end
            as clock_unanswered_seconds,
        case when sla_schedule is null then resolution_seconds else resolution_business_seconds end
            as clock_resolution_seconds
    from measured

),

evaluated as (

    select
        *,
        {{ sla_verdict('clock_response_seconds', 'clock_unanswered_seconds', 'sla_threshold_seconds') }}
            as sla_status,
        {{ sla_verdict('response_seconds', 'seconds_open_at_data_as_of', 'sla_threshold_seconds') }}
            as calendar_sla_status,
        case
            when business_schedule is not null then {{ sla_verdict(
                'response_business_seconds', 'unanswered_business_seconds', 'sla_threshold_seconds'
            ) }}
        end as business_hours_sla_status,
        case
            when not in_resolution_metrics then null
            when clock_resolution_seconds <= resolution_threshold_seconds then 'met'
            else 'breached'
        end as resolution_sla_status
    from clocked

),

final as (

    select
        evaluated.conversation_id,
        evaluated.started_at,
        evaluated.first_message_at,
        evaluated.first_response_at,
        evaluated.first_response_source,
        evaluated.started_at_source,
        evaluated.is_incomplete,
        evaluated.priority,
        evaluated.assignee_id,
        evaluated.assignee_email,
        evaluated.team_id,
        evaluated.user_id,
        tag_lists.tags,
        evaluated.message_count,
        evaluated.sla_threshold_minutes,
        evaluated.sla_clock,
        evaluated.sla_schedule,
        evaluated.sla_status,
        evaluated.calendar_sla_status,
        evaluated.business_schedule,
        evaluated.business_hours_sla_status,
        evaluated.in_first_response_scope,
        evaluated.state,
        evaluated.resolution_source,
        evaluated.resolution_started_at,
        evaluated.first_closed_at,
        evaluated.last_closed_at,
        evaluated.resolved_at,
        evaluated.resolution_seconds,
        evaluated.open_seconds,
        evaluated.resolution_business_seconds,
        evaluated.open_business_seconds,
        evaluated.reopen_count,
        evaluated.is_resolved,
        evaluated.resolution_threshold_minutes,
        evaluated.resolution_sla_status,
        evaluated.resolution_exclusion_reason,
        evaluated.in_resolution_metrics,
        evaluated.data_as_of,
        cast(evaluated.response_seconds / 60.0 as {{ type_double() }}) as response_minutes,
        cast(evaluated.response_business_seconds / 60.0 as {{ type_double() }}) as response_business_minutes,
        evaluated.sla_status = 'breached' as sla_breached,
        case
            when evaluated.sla_status = 'met' then cast(0 as {{ type_double() }})
            when evaluated.sla_status = 'breached'
                then cast(
                    (evaluated.clock_response_seconds - evaluated.sla_threshold_seconds) / 60.0
                    as {{ type_double() }}
                )
        end as breach_by_minutes,
        load_mark.loaded_through,
        '{{ settings_fingerprint() }}' as settings_fingerprint
    from evaluated
    cross join load_mark
    left join tag_lists
        on evaluated.conversation_id = tag_lists.conversation_id

)

select * from final
