-- Airbyte's Intercom tables staged as the loader's messages (SPEC §1 D): the opening message from
-- each conversation's `source`, and the latest version of every part in conversation_parts, each with
-- the assignee and team in effect at it, replayed from the assignment parts as the loader does for
-- Intercom API objects.
with

conversation_records as (

    select
        id,
        updated_at,
        created_at,
        priority,
        admin_assignee_id,
        team_assignee_id,
        source,
        _airbyte_extracted_at
    from {{ source('airbyte_intercom', 'conversations') }}

),

part_records as (

    select
        id,
        updated_at,
        conversation_id,
        created_at,
        part_type,
        body,
        author,
        assigned_to,
        _airbyte_extracted_at
    from {{ source('airbyte_intercom', 'conversation_parts') }}

),

latest_conversations as (

    -- append syncs keep every version of a conversation; the latest one is the conversation
    {{ latest_versions('conversation_records', 'id', 'updated_at desc, _airbyte_extracted_at desc') }}

),

latest_parts as (

    {{ latest_versions('part_records', 'id', 'updated_at desc, _airbyte_extracted_at desc') }}

),

conversations as (

    select
        priority,
        source,
        cast(id as {{ dbt.type_string() }}) as conversation_id,
        {{ epoch_text_to_timestamp('created_at') }} as created_at,
        {{ connector_utc_timestamp('_airbyte_extracted_at') }} as synced_at,
        cast(admin_assignee_id as {{ dbt.type_string() }}) as current_admin_id,
        cast(team_assignee_id as {{ dbt.type_string() }}) as current_team_id
    from latest_conversations

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
        latest_parts.part_type,
        latest_parts.body,
        'part' as intercom_record,
        cast(latest_parts.id as {{ dbt.type_string() }}) as message_id,
        cast(null as {{ dbt.type_string() }}) as priority,
        {{ epoch_text_to_timestamp('latest_parts.created_at') }} as created_at,
        {{ connector_utc_timestamp('latest_parts._airbyte_extracted_at') }} as synced_at,
        {{ json_path_text('latest_parts.author', ['type']) }} as author_type,
        {{ json_path_text('latest_parts.author', ['id']) }} as author_id,
        {{ json_path_text('latest_parts.assigned_to', ['type']) }} as assigned_to_type,
        {{ json_path_text('latest_parts.assigned_to', ['id']) }} as assigned_to_id
    from latest_parts
    inner join conversations
        on cast(latest_parts.conversation_id as {{ dbt.type_string() }}) = conversations.conversation_id

),

final as (

    {{ connector_messages('opening_messages', 'parts', 'airbyte: conversation_parts') }}

)

select * from final
