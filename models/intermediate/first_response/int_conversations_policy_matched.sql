-- SPEC §3 and §6: the SLA policy of every conversation known to any export. The priority is the
-- first non-empty one in message order, else the conversation export's; an alias (Intercom's
-- `priority` / `not_priority`) is replaced by the priority it stands for; it then matches the policy
-- table case-insensitively and is spelled as the table spells it. An unknown priority keeps
-- its own label but uses the `normal` row (thresholds and clock); none at all is `normal`.
with

conversations as (

    select conversation_id
    from {{ ref('int_conversations_resolved') }}

),

message_conversations as (

    select
        conversation_id,
        first_priority
    from {{ ref('int_conversations_first_response_found') }}

),

export_conversations as (

    select
        conversation_id,
        priority
    from {{ intercom_staged('conversations') }}

),

priority_aliases as (

    select
        alias,
        priority
    from {{ ref('priority_aliases') }}

),

sla_policies as (

    select
        priority,
        first_response_minutes,
        next_response_minutes,
        resolution_minutes,
        schedule
    from {{ ref('sla_policies') }}

),

default_policy as (

    select
        priority,
        first_response_minutes,
        next_response_minutes,
        resolution_minutes,
        schedule
    from sla_policies
    where lower(priority) = 'normal'

),

exported_priorities as (

    select
        conversations.conversation_id,
        coalesce(message_conversations.first_priority, export_conversations.priority) as exported_priority
    from conversations
    left join message_conversations
        on conversations.conversation_id = message_conversations.conversation_id
    left join export_conversations
        on conversations.conversation_id = export_conversations.conversation_id

),

dealiased as (

    select
        exported_priorities.conversation_id,
        coalesce(priority_aliases.priority, exported_priorities.exported_priority) as first_priority
    from exported_priorities
    left join priority_aliases
        on lower(exported_priorities.exported_priority) = lower(priority_aliases.alias)

),

matched as (

    select
        dealiased.conversation_id,
        coalesce(matched_policy.priority, dealiased.first_priority, default_policy.priority) as priority,
        coalesce(matched_policy.first_response_minutes, default_policy.first_response_minutes)
            as sla_threshold_minutes,
        coalesce(matched_policy.resolution_minutes, default_policy.resolution_minutes)
            as resolution_threshold_minutes,
        -- an empty next-reply cell is no target, not the normal row's
        case
            when matched_policy.priority is not null then matched_policy.next_response_minutes
            else default_policy.next_response_minutes
        end as next_response_threshold_minutes,
        case
            when matched_policy.priority is not null then matched_policy.schedule
            else default_policy.schedule
        end as sla_schedule
    from dealiased
    left join sla_policies as matched_policy
        on lower(dealiased.first_priority) = lower(matched_policy.priority)
    left join default_policy
        on true

),

final as (

    select
        conversation_id,
        priority,
        sla_threshold_minutes,
        resolution_threshold_minutes,
        next_response_threshold_minutes,
        sla_schedule,
        coalesce(sla_schedule, {{ business_hours_comparison_schedule() }}) as business_schedule
    from matched

)

select * from final
