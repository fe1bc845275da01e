-- Fivetran's Intercom tables staged as the loader's conversations (SPEC §1 D): the current
-- conversation_history row of each conversation that is not deleted (either Fivetran mode), the tags of that
-- version from conversation_tag_history joined to their names in `tag`, and the figures Intercom
-- gives that Fivetran keeps (first_contact_reply_created_at, the SLA applied, the current assignee).
with

current_conversations as (

    {{ fivetran_current_conversations() }}

),

conversation_tag_history as (

    select
        conversation_id,
        tag_id,
        {{ connector_timestamp(source('fivetran_intercom', 'conversation_tag_history'), 'conversation_updated_at') }}
            as conversation_updated_at,
        cast(
            {{ column_or_null(source('fivetran_intercom', 'conversation_tag_history'), '_fivetran_active', 'boolean') }}
            as boolean
        ) as is_active
    from {{ source('fivetran_intercom', 'conversation_tag_history') }}

),

tags as (

    select
        id,
        name,
        cast({{ column_or_null(source('fivetran_intercom', 'tag'), '_fivetran_deleted', 'boolean') }} as boolean)
            as is_deleted
    from {{ source('fivetran_intercom', 'tag') }}

),

latest_conversations as (

    select *
    from current_conversations
    where not is_gone

),

named_tags as (

    -- the tags of a conversation's latest version: the rows the connector marks active, or else those
    -- written at the latest version's updated_at (a version without tags has no rows)
    select
        cast(conversation_tag_history.conversation_id as {{ dbt.type_string() }}) as conversation_id,
        trim(tags.name) as tag
    from conversation_tag_history
    inner join latest_conversations
        on cast(conversation_tag_history.conversation_id as {{ dbt.type_string() }}) = latest_conversations.conversation_id
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
        latest_conversations.conversation_id,
        case
            when lower(latest_conversations.source_author_type) in ('user', 'lead', 'contact')
                then latest_conversations.source_author_id
        end as user_id,
        latest_conversations.created_at as started_at,
        {{ connector_utc_timestamp('null') }} as resolved_at,
        nullif(lower(trim(latest_conversations.state)), '') as state,
        cast(null as {{ dbt.type_string() }}) as assignee_email,
        tag_lists.tags,
        cast(null as {{ dbt.type_bigint() }}) as message_count,
        cast(null as {{ dbt.type_bigint() }}) as reopen_count,
        nullif(trim(latest_conversations.priority), '') as priority,
        latest_conversations.updated_at,
        'fivetran: conversation_history' as source_file,
        cast(null as {{ dbt.type_bigint() }}) as source_line,
        latest_conversations.synced_at as loaded_at,
        latest_conversations.first_contact_reply_created_at as intercom_first_contact_reply_at,
        {{ connector_utc_timestamp('null') }} as intercom_first_admin_reply_at,
        {{ connector_utc_timestamp('null') }} as intercom_first_close_at,
        {{ connector_utc_timestamp('null') }} as intercom_last_close_at,
        cast(null as {{ dbt.type_bigint() }}) as intercom_count_reopens,
        cast(null as {{ dbt.type_bigint() }}) as intercom_count_conversation_parts,
        cast(null as {{ dbt.type_bigint() }}) as intercom_parts_in_export,
        cast(null as {{ dbt.type_bigint() }}) as intercom_parts_total_count,
        case when latest_conversations.assignee_type = 'admin' then latest_conversations.assignee_id end
            as intercom_admin_assignee_id,
        case when latest_conversations.assignee_type = 'team' then latest_conversations.assignee_id end
            as intercom_team_assignee_id,
        latest_conversations.sla_name as intercom_sla_name,
        lower(latest_conversations.sla_status) as intercom_sla_status
    from latest_conversations
    left join tag_lists
        on latest_conversations.conversation_id = tag_lists.conversation_id

)

select * from final
