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

conversation_versions as (

    -- append syncs keep every version of a conversation; the latest one is the conversation
    select
        *,
        row_number() over (partition by id order by updated_at desc, _airbyte_extracted_at desc) as version_rank
    from conversation_records

),

conversations as (

    select
        cast(id as {{ dbt.type_string() }}) as conversation_id,
        created_at,
        priority,
        source,
        _airbyte_extracted_at,
        cast(admin_assignee_id as {{ dbt.type_string() }}) as current_admin_id,
        cast(team_assignee_id as {{ dbt.type_string() }}) as current_team_id
    from conversation_versions
    where version_rank = 1

),

part_versions as (

    select
        *,
        row_number() over (partition by id order by updated_at desc, _airbyte_extracted_at desc) as version_rank
    from part_records

),

parts as (

    select
        cast(part_versions.id as {{ dbt.type_string() }}) as message_id,
        conversations.conversation_id,
        part_versions.part_type,
        part_versions.body,
        part_versions.created_at,
        part_versions._airbyte_extracted_at,
        conversations.current_admin_id,
        conversations.current_team_id,
        {{ json_path_text('part_versions.author', ['type']) }} as author_type,
        {{ json_path_text('part_versions.author', ['id']) }} as author_id,
        {{ json_path_text('part_versions.assigned_to', ['type']) }} as assigned_to_type,
        {{ json_path_text('part_versions.assigned_to', ['id']) }} as assigned_to_id
    from part_versions
    inner join conversations
        on cast(part_versions.conversation_id as {{ dbt.type_string() }}) = conversations.conversation_id
    where part_versions.version_rank = 1

),

opening_messages as (

    select
        conversation_id,
        created_at,
        _airbyte_extracted_at,
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

all_parts as (

    select
        message_id,
        conversation_id,
        author_type,
        part_type,
        body,
        created_at,
        author_id,
        assigned_to_type,
        _airbyte_extracted_at,
        current_admin_id,
        current_team_id,
        assigned_to_id,
        priority,
        intercom_record
    from opening_messages
    union all
    select
        message_id,
        conversation_id,
        author_type,
        part_type,
        body,
        created_at,
        author_id,
        assigned_to_type,
        _airbyte_extracted_at,
        current_admin_id,
        current_team_id,
        assigned_to_id,
        cast(null as {{ dbt.type_string() }}) as priority,
        'part' as intercom_record
    from parts

),

ordered as (

    select
        *,
        row_number() over (partition by conversation_id order by created_at, message_id) as part_order
    from all_parts

),

owned as (

    {{ replayed_owners('ordered') }}

),

final as (

    select
        message_id as message_key,
        message_id,
        conversation_id,
        {{ intercom_sender_type('author_type') }} as sender_type,
        {{ intercom_part_type('part_type') }} as part_type,
        {{ body_has_text('body') }} as has_body,
        {{ epoch_text_to_timestamp('created_at') }} as created_at,
        {{ connector_utc_timestamp('null') }} as export_first_response_at,
        nullif(trim(priority), '') as priority,
        replayed_assignee_id as assignee_id,
        cast(null as {{ dbt.type_string() }}) as tags,
        nullif(trim(author_id), '') as author_id,
        replayed_team_id as team_id,
        intercom_record,
        'airbyte: conversation_parts' as source_file,
        cast(null as {{ dbt.type_bigint() }}) as source_line,
        {{ connector_utc_timestamp('_airbyte_extracted_at') }} as loaded_at
    from owned

)

select * from final
