-- Airbyte's Intercom tables staged as the loader's messages (SPEC §1 D): the opening message from
-- each current conversation's `source`, and the current version of every part in conversation_parts
-- (deleted records and parts of conversations not synced are left out, as
-- stg_airbyte__conversations_excluded counts them), each with the assignee and team in effect at it,
-- replayed from the assignment parts.
with

current_conversations as (

    {{ airbyte_current_conversations() }}

),

current_parts as (

    {{ airbyte_current_parts() }}

),

conversations as (

    select
        conversation_id,
        created_at,
        synced_at,
        priority,
        source,
        admin_assignee_id as current_admin_id,
        team_assignee_id as current_team_id
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
        'comment' as part_type,
        'source' as intercom_record,
        'source:' || coalesce({{ json_path_text('source', ['id']) }}, conversation_id) as message_id,
        {{ json_path_text('source', ['author', 'type']) }} as author_type,
        {{ json_path_text('source', ['body']) }} as body,
        {{ json_path_text('source', ['author', 'id']) }} as author_id,
        cast(null as {{ dbt.type_string() }}) as assigned_to_type,
        cast(null as {{ dbt.type_string() }}) as assigned_to_id
    from conversations

),

parts as (

    select
        conversations.conversation_id,
        conversations.current_admin_id,
        conversations.current_team_id,
        current_parts.part_type,
        current_parts.body,
        current_parts.created_at,
        current_parts.synced_at,
        current_parts.part_id as message_id,
        'part' as intercom_record,
        cast(null as {{ dbt.type_string() }}) as priority,
        {{ json_path_text('current_parts.author', ['type']) }} as author_type,
        {{ json_path_text('current_parts.author', ['id']) }} as author_id,
        {{ json_path_text('current_parts.assigned_to', ['type']) }} as assigned_to_type,
        {{ json_path_text('current_parts.assigned_to', ['id']) }} as assigned_to_id
    from current_parts
    inner join conversations
        on current_parts.conversation_id = conversations.conversation_id
    where not current_parts.is_gone

),

final as (

    {{ connector_messages(
        'opening_messages', 'parts', 'airbyte: conversations', 'airbyte: conversation_parts'
    ) }}

)

select * from final
