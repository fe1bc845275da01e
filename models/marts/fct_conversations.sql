-- One row per conversation: first response, priority, assignee, tags and the first-response SLA verdict
-- (SPEC §3).
with

conversations as (

    select
        conversation_id,
        started_at,
        first_message_at,
        message_count,
        first_response_at,
        first_response_source,
        assignee_id,
        first_priority,
        data_as_of
    from {{ ref('int_conversations_aggregated') }}

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
        first_response_minutes
    from {{ ref('sla_policies') }}

),

default_policy as (

    select
        priority,
        first_response_minutes
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

prioritised as (

    -- a known priority is spelled as the policy table spells it; an unknown one keeps its own label
    -- but uses the normal threshold; none at all is `normal`
    select
        conversations.*,
        coalesce(matched_policy.priority, conversations.first_priority, default_policy.priority) as priority,
        coalesce(matched_policy.first_response_minutes, default_policy.first_response_minutes)
            as sla_threshold_minutes
    from conversations
    left join sla_policies as matched_policy
        on lower(conversations.first_priority) = lower(matched_policy.priority)
    left join default_policy
        on true

),

measured as (

    select
        *,
        started_at is not null as in_first_response_scope,
        {{ seconds_between('started_at', 'first_response_at') }} as response_seconds,
        {{ seconds_between('started_at', 'data_as_of') }} as seconds_open_at_data_as_of,
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
        end as sla_status
    from measured

),

final as (

    select
        evaluated.conversation_id,
        evaluated.started_at,
        evaluated.first_message_at,
        evaluated.first_response_at,
        evaluated.first_response_source,
        cast(evaluated.response_seconds / 60.0 as {{ type_double() }}) as response_minutes,
        evaluated.priority,
        evaluated.assignee_id,
        tag_lists.tags,
        evaluated.message_count,
        evaluated.sla_threshold_minutes,
        evaluated.sla_status,
        evaluated.sla_status = 'breached' as sla_breached,
        case
            when evaluated.sla_status = 'met' then cast(0 as {{ type_double() }})
            when evaluated.sla_status = 'breached'
                then cast(
                    (evaluated.response_seconds - evaluated.sla_threshold_seconds) / 60.0 as {{ type_double() }}
                )
        end as breach_by_minutes,
        evaluated.in_first_response_scope,
        evaluated.data_as_of
    from evaluated
    left join tag_lists
        on evaluated.conversation_id = tag_lists.conversation_id

)

select * from final
