-- Fivetran's Intercom tables staged as the loader's conversations (SPEC §1 D): the latest
-- conversation_history row of each conversation (history mode keeps every version), the tags of that
-- version from conversation_tag_history joined to their names in `tag`, and the figures Intercom
-- gives that Fivetran keeps (first_contact_reply_created_at, the SLA applied, the current assignee).
with

conversation_history as (

    select
        id,
        updated_at,
        _fivetran_synced,
        created_at,
        state,
        priority,
        assignee_id,
        assignee_type,
        source_author_id,
        source_author_type,
        first_contact_reply_created_at,
        sla_name,
        sla_status,
        {{ column_or_null(source('fivetran_intercom', 'conversation_history'), '_fivetran_deleted', 'boolean') }}
            as is_deleted
    from {{ source('fivetran_intercom', 'conversation_history') }}

),

conversation_tag_history as (

    select
        conversation_id,
        tag_id,
        conversation_updated_at,
        {{ column_or_null(source('fivetran_intercom', 'conversation_tag_history'), '_fivetran_active', 'boolean') }}
            as is_active
    from {{ source('fivetran_intercom', 'conversation_tag_history') }}

),

tags as (

    select
        id,
        name,
        {{ column_or_null(source('fivetran_intercom', 'tag'), '_fivetran_deleted', 'boolean') }} as is_deleted
    from {{ source('fivetran_intercom', 'tag') }}

),

newest_versions as (

    -- every synced version is kept; the latest one is the conversation
    {{ latest_versions('conversation_history', 'id', 'updated_at desc, _fivetran_synced desc') }}

),

latest_conversations as (

    select *
    from newest_versions
    where not coalesce(is_deleted, false)

),

named_tags as (

    -- the tags of a conversation's latest version: the rows the connector marks active, or else those
    -- written at the latest version's updated_at (a version without tags has no rows)
    select
        cast(conversation_tag_history.conversation_id as {{ dbt.type_string() }}) as conversation_id,
        trim(tags.name) as tag
    from conversation_tag_history
    inner join latest_conversations
        on conversation_tag_history.conversation_id = latest_conversations.id
    inner join tags
        on cast(conversation_tag_history.tag_id as {{ dbt.type_string() }}) = cast(tags.id as {{ dbt.type_string() }})
    where
        coalesce(
            conversation_tag_history.is_active,
            conversation_tag_history.conversation_updated_at = latest_conversations.updated_at
        )
        and not coalesce(tags.is_deleted, false)

),

tag_lists as (

    select
        conversation_id,
        {{ sorted_string_agg('tag', ';') }} as tags
    from named_tags
    group by conversation_id

),

final as (

    select
        cast(latest_conversations.id as {{ dbt.type_string() }}) as conversation_id,
        case
            when lower(latest_conversations.source_author_type) in ('user', 'lead', 'contact')
                then cast(latest_conversations.source_author_id as {{ dbt.type_string() }})
        end as user_id,
        {{ connector_utc_timestamp('latest_conversations.created_at') }} as started_at,
        {{ connector_utc_timestamp('null') }} as resolved_at,
        nullif(lower(trim(latest_conversations.state)), '') as state,
        cast(null as {{ dbt.type_string() }}) as assignee_email,
        tag_lists.tags,
        cast(null as {{ dbt.type_bigint() }}) as message_count,
        cast(null as {{ dbt.type_bigint() }}) as reopen_count,
        nullif(trim(latest_conversations.priority), '') as priority,
        'fivetran: conversation_history' as source_file,
        cast(null as {{ dbt.type_bigint() }}) as source_line,
        {{ connector_utc_timestamp('latest_conversations._fivetran_synced') }} as loaded_at,
        {{ connector_utc_timestamp('latest_conversations.first_contact_reply_created_at') }}
            as intercom_first_contact_reply_at,
        {{ connector_utc_timestamp('null') }} as intercom_first_admin_reply_at,
        {{ connector_utc_timestamp('null') }} as intercom_first_close_at,
        {{ connector_utc_timestamp('null') }} as intercom_last_close_at,
        cast(null as {{ dbt.type_bigint() }}) as intercom_count_reopens,
        cast(null as {{ dbt.type_bigint() }}) as intercom_count_conversation_parts,
        cast(null as {{ dbt.type_bigint() }}) as intercom_parts_in_export,
        cast(null as {{ dbt.type_bigint() }}) as intercom_parts_total_count,
        case
            when latest_conversations.assignee_type = 'admin'
                then cast(latest_conversations.assignee_id as {{ dbt.type_string() }})
        end as intercom_admin_assignee_id,
        case
            when latest_conversations.assignee_type = 'team'
                then cast(latest_conversations.assignee_id as {{ dbt.type_string() }})
        end as intercom_team_assignee_id,
        cast(latest_conversations.sla_name as {{ dbt.type_string() }}) as intercom_sla_name,
        lower(cast(latest_conversations.sla_status as {{ dbt.type_string() }})) as intercom_sla_status
    from latest_conversations
    left join tag_lists
        on cast(latest_conversations.id as {{ dbt.type_string() }}) = tag_lists.conversation_id

)

select * from final
