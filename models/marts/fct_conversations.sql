-- One row per conversation known to any export: first response and its SLA verdict (SPEC §3) and
-- resolution with its SLA verdict (SPEC §4).
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

),

message_conversations as (

    select
        conversation_id,
        started_at,
        first_message_at,
        message_count,
        first_response_at,
        first_response_source,
        assignee_id,
        first_priority
    from {{ ref('int_conversations_aggregated') }}

),

export_conversations as (

    select
        conversation_id,
        user_id,
        started_at,
        assignee_email,
        message_count,
        priority
    from {{ ref('stg_intercom__conversations') }}

),

conversation_tags as (

    select
        conversation_id,
        tag
    from {{ ref('int_conversation_tags_unnested') }}

),

sla_policies as (

    select
        priority,
        first_response_minutes,
        resolution_minutes
    from {{ ref('sla_policies') }}

),

default_policy as (

    select
        priority,
        first_response_minutes,
        resolution_minutes
    from sla_policies
    where lower(priority) = 'normal'

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
        message_conversations.assignee_id,
        export_conversations.user_id,
        export_conversations.assignee_email,
        coalesce(message_conversations.started_at, export_conversations.started_at) as started_at,
        coalesce(message_conversations.first_priority, export_conversations.priority) as first_priority,
        coalesce(export_conversations.message_count, message_conversations.message_count) as message_count
    from resolutions
    left join message_conversations
        on resolutions.conversation_id = message_conversations.conversation_id
    left join export_conversations
        on resolutions.conversation_id = export_conversations.conversation_id

),

prioritised as (

    -- a known priority is spelled as the policy table spells it; an unknown one keeps its own label
    -- but uses the normal thresholds; none at all is `normal`
    select
        combined.*,
        coalesce(matched_policy.priority, combined.first_priority, default_policy.priority) as priority,
        coalesce(matched_policy.first_response_minutes, default_policy.first_response_minutes)
            as sla_threshold_minutes,
        coalesce(matched_policy.resolution_minutes, default_policy.resolution_minutes)
            as resolution_threshold_minutes
    from combined
    left join sla_policies as matched_policy
        on lower(combined.first_priority) = lower(matched_policy.priority)
    left join default_policy
        on true

),

measured as (

    select
        *,
        message_started_at is not null as in_first_response_scope,
        is_resolved and resolution_exclusion_reason is null as in_resolution_metrics,
        {{ seconds_between('message_started_at', 'first_response_at') }} as response_seconds,
        {{ seconds_between('message_started_at', 'data_as_of') }} as seconds_open_at_data_as_of,
        sla_threshold_minutes * 60 as sla_threshold_seconds
    from prioritised

),

evaluated as (

    select
        *,
        case
            when not in_first_response_scope then null
            when response_seconds <= sla_threshold_seconds then 'met'
            when response_seconds > sla_threshold_seconds then 'breached'
            {% if unanswered_sla_status() == 'pending' -%}
            when seconds_open_at_data_as_of <= sla_threshold_seconds then 'pending'
            {% endif -%}
            else 'breached'
        end as sla_status,
        case
            when not in_resolution_metrics then null
            when resolution_seconds <= resolution_threshold_minutes * 60 then 'met'
            else 'breached'
        end as resolution_sla_status
    from measured

),

final as (

    select
        evaluated.conversation_id,
        evaluated.started_at,
        evaluated.first_message_at,
        evaluated.first_response_at,
        evaluated.first_response_source,
        evaluated.priority,
        evaluated.assignee_id,
        evaluated.assignee_email,
        evaluated.user_id,
        tag_lists.tags,
        evaluated.message_count,
        evaluated.sla_threshold_minutes,
        evaluated.sla_status,
        evaluated.in_first_response_scope,
        evaluated.state,
        evaluated.resolution_source,
        evaluated.resolution_started_at,
        evaluated.first_closed_at,
        evaluated.last_closed_at,
        evaluated.resolved_at,
        evaluated.resolution_seconds,
        evaluated.open_seconds,
        evaluated.reopen_count,
        evaluated.is_resolved,
        evaluated.resolution_threshold_minutes,
        evaluated.resolution_sla_status,
        evaluated.resolution_exclusion_reason,
        evaluated.in_resolution_metrics,
        evaluated.data_as_of,
        cast(evaluated.response_seconds / 60.0 as {{ type_double() }}) as response_minutes,
        evaluated.sla_status = 'breached' as sla_breached,
        case
            when evaluated.sla_status = 'met' then cast(0 as {{ type_double() }})
            when evaluated.sla_status = 'breached'
                then cast(
                    (evaluated.response_seconds - evaluated.sla_threshold_seconds) / 60.0 as {{ type_double() }}
                )
        end as breach_by_minutes
    from evaluated
    left join tag_lists
        on evaluated.conversation_id = tag_lists.conversation_id

)

select * from final
