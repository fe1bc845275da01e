-- Fivetran's Intercom tables staged as the loader's messages (SPEC §1 D): the opening message from
-- the source_* columns of each conversation's current conversation_history row, and the current
-- version of every part in conversation_part_history, each with the assignee and team in effect at
-- it, replayed from the assignment parts. Deleted conversations and parts (either Fivetran mode) and
-- parts whose conversation Fivetran has not synced are left out (stg_fivetran__conversations_excluded
-- counts them).
with

current_conversations as (

    {{ fivetran_current_conversations() }}

),

current_parts as (

    {{ fivetran_current_parts() }}

),

conversations as (

    select
        conversation_id,
        created_at,
        synced_at,
        priority,
        source_id,
        source_author_id,
        source_author_type,
        source_body,
        case when assignee_type = 'admin' then assignee_id end as current_admin_id,
        case when assignee_type = 'team' then assignee_id end as current_team_id
    from current_conversations
    where not is_gone

),

opening_messages as (

    select
        conversation_id,
        created_at,
        synced_at,
        current_admin_id,
        current_team_id,
        priority,
        source_author_type as author_type,
        source_body as body,
        'comment' as part_type,
        'source' as intercom_record,
        'source:' || coalesce(source_id, conversation_id) as message_id,
        source_author_id as author_id,
        cast(null as {{ dbt.type_string() }}) as assigned_to_type,
        cast(null as {{ dbt.type_string() }}) as assigned_to_id
    from conversations

),

parts as (

    select
        conversations.conversation_id,
        conversations.current_admin_id,
        conversations.current_team_id,
        current_parts.author_type,
        current_parts.part_type,
        current_parts.body,
        current_parts.assigned_to_type,
        current_parts.assigned_to_id,
        current_parts.author_id,
        current_parts.created_at,
        current_parts.synced_at,
        current_parts.part_id as message_id,
        'part' as intercom_record,
        cast(null as {{ dbt.type_string() }}) as priority
    from current_parts
    inner join conversations
        on current_parts.conversation_id = conversations.conversation_id
    where not current_parts.is_gone

),

final as (

    {{ connector_messages(
        'opening_messages', 'parts', 'fivetran: conversation_history', 'fivetran: conversation_part_history'
    ) }}

)

select * from final
