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

conversation_versions as (

    -- history mode keeps every version of a conversation; the latest one is the conversation
    select
        *,
        row_number() over (partition by id order by updated_at desc, _fivetran_synced desc) as version_rank
    from conversation_history

),

conversations as (

    select
        cast(id as {{ dbt.type_string() }}) as conversation_id,
        created_at,
        priority,
        source_id,
        source_author_id,
        source_author_type,
        source_body,
        _fivetran_synced,
        case when assignee_type = 'admin' then cast(assignee_id as {{ dbt.type_string() }}) end as current_admin_id,
        case when assignee_type = 'team' then cast(assignee_id as {{ dbt.type_string() }}) end as current_team_id
    from conversation_versions
    where version_rank = 1 and not coalesce(is_deleted, false)

),

part_versions as (

    select
        *,
        row_number() over (partition by id order by updated_at desc, _fivetran_synced desc) as version_rank
    from part_history

),

parts as (

    select
        cast(part_versions.id as {{ dbt.type_string() }}) as message_id,
        conversations.conversation_id,
        part_versions.author_type,
        part_versions.part_type,
        part_versions.body,
        part_versions.created_at,
        part_versions.author_id,
        part_versions.assigned_to_type,
        part_versions._fivetran_synced,
        conversations.current_admin_id,
        conversations.current_team_id,
        cast(part_versions.assigned_to_id as {{ dbt.type_string() }}) as assigned_to_id
    from part_versions
    inner join conversations
        on cast(part_versions.conversation_id as {{ dbt.type_string() }}) = conversations.conversation_id
    where part_versions.version_rank = 1 and not coalesce(part_versions.is_deleted, false)

),

opening_messages as (

    select
        'source:' || coalesce(cast(source_id as {{ dbt.type_string() }}), conversation_id) as message_id,
        conversation_id,
        source_author_type as author_type,
        'comment' as part_type,
        source_body as body,
        created_at,
        source_author_id as author_id,
        cast(null as {{ dbt.type_string() }}) as assigned_to_type,
        _fivetran_synced,
        current_admin_id,
        current_team_id,
        cast(null as {{ dbt.type_string() }}) as assigned_to_id,
        priority,
        'source' as intercom_record
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
        _fivetran_synced,
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
        _fivetran_synced,
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
        {{ connector_utc_timestamp('created_at') }} as created_at,
        {{ connector_utc_timestamp('null') }} as export_first_response_at,
        nullif(trim(priority), '') as priority,
        replayed_assignee_id as assignee_id,
        cast(null as {{ dbt.type_string() }}) as tags,
        nullif(trim(cast(author_id as {{ dbt.type_string() }})), '') as author_id,
        replayed_team_id as team_id,
        intercom_record,
        'fivetran: conversation_part_history' as source_file,
        cast(null as {{ dbt.type_bigint() }}) as source_line,
        {{ connector_utc_timestamp('_fivetran_synced') }} as loaded_at
    from owned

)

select * from final
