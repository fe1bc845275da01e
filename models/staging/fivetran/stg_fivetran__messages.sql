-- Fivetran's Intercom tables staged as the loader's messages (SPEC §1 D): the opening message from
-- the source_* columns of each conversation's latest conversation_history row, and the latest
-- version of every part in conversation_part_history, each with the assignee and team in effect at
-- it, replayed from the assignment parts as the loader does for Intercom API objects.
with

conversation_history as (

    select
        id,
        updated_at,
        _fivetran_synced,
        created_at,
        priority,
        assignee_id,
        assignee_type,
        source_id,
        source_author_id,
        source_author_type,
        source_body,
        {{ column_or_null(source('fivetran_intercom', 'conversation_history'), '_fivetran_deleted', 'boolean') }}
            as is_deleted
    from {{ source('fivetran_intercom', 'conversation_history') }}

),

part_history as (

    select
        id,
        updated_at,
        _fivetran_synced,
        conversation_id,
        created_at,
        part_type,
        body,
        author_id,
        author_type,
        assigned_to_id,
        assigned_to_type,
        {{ column_or_null(source('fivetran_intercom', 'conversation_part_history'), '_fivetran_deleted', 'boolean') }}
            as is_deleted
    from {{ source('fivetran_intercom', 'conversation_part_history') }}

),

latest_conversations as (

    -- history mode keeps every version of a conversation; the latest one is the conversation
    {{ latest_versions('conversation_history', 'id', 'updated_at desc, _fivetran_synced desc') }}

),

latest_parts as (

    {{ latest_versions('part_history', 'id', 'updated_at desc, _fivetran_synced desc') }}

),

conversations as (

    select
        priority,
        source_id,
        source_author_id,
        source_author_type,
        source_body,
        cast(id as {{ dbt.type_string() }}) as conversation_id,
        {{ connector_utc_timestamp('created_at') }} as created_at,
        {{ connector_utc_timestamp('_fivetran_synced') }} as synced_at,
        case when assignee_type = 'admin' then cast(assignee_id as {{ dbt.type_string() }}) end as current_admin_id,
        case when assignee_type = 'team' then cast(assignee_id as {{ dbt.type_string() }}) end as current_team_id
    from latest_conversations
    where not coalesce(is_deleted, false)

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
        'source:' || coalesce(cast(source_id as {{ dbt.type_string() }}), conversation_id) as message_id,
        cast(source_author_id as {{ dbt.type_string() }}) as author_id,
        cast(null as {{ dbt.type_string() }}) as assigned_to_type,
        cast(null as {{ dbt.type_string() }}) as assigned_to_id
    from conversations

),

parts as (

    select
        conversations.conversation_id,
        conversations.current_admin_id,
        conversations.current_team_id,
        latest_parts.author_type,
        latest_parts.part_type,
        latest_parts.body,
        latest_parts.assigned_to_type,
        'part' as intercom_record,
        cast(latest_parts.id as {{ dbt.type_string() }}) as message_id,
        cast(latest_parts.author_id as {{ dbt.type_string() }}) as author_id,
        cast(latest_parts.assigned_to_id as {{ dbt.type_string() }}) as assigned_to_id,
        cast(null as {{ dbt.type_string() }}) as priority,
        {{ connector_utc_timestamp('latest_parts.created_at') }} as created_at,
        {{ connector_utc_timestamp('latest_parts._fivetran_synced') }} as synced_at
    from latest_parts
    inner join conversations
        on cast(latest_parts.conversation_id as {{ dbt.type_string() }}) = conversations.conversation_id
    where not coalesce(latest_parts.is_deleted, false)

),

final as (

    {{ connector_messages('opening_messages', 'parts', 'fivetran: conversation_part_history') }}

)

select * from final
