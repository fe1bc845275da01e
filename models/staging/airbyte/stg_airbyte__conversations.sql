-- Airbyte's Intercom conversations staged as the loader's conversations (SPEC §1 D): the current
-- synced version of each conversation object not deleted by a CDC sync, with Intercom's own figures
-- (`statistics`, the SLA applied, the current assignee and team), as the loader keeps them for
-- Intercom API objects.
with

current_conversations as (

    {{ airbyte_current_conversations() }}

),

latest_conversations as (

    select *
    from current_conversations
    where not is_gone

),

final as (

    select
        conversation_id,
        {{ json_path_text('contacts', ['contacts', '0', 'id']) }} as user_id,
        created_at as started_at,
        -- used only when no part carries the close: Intercom's own last close
        case
            when state = 'closed'
                then {{ epoch_text_to_timestamp(json_path_text('statistics', ['last_close_at'])) }}
        end as resolved_at,
        nullif(lower(trim(state)), '') as state,
        cast(null as {{ dbt.type_string() }}) as assignee_email,
        {{ json_array_names('tags', 'tags', ';') }} as tags,
        cast(null as {{ dbt.type_bigint() }}) as message_count,
        cast({{ json_path_text('statistics', ['count_reopens']) }} as {{ dbt.type_bigint() }}) as reopen_count,
        nullif(trim(priority), '') as priority,
        updated_at,
        'airbyte: conversations' as source_file,
        cast(null as {{ dbt.type_bigint() }}) as source_line,
        synced_at as loaded_at,
        {{ epoch_text_to_timestamp(json_path_text('statistics', ['first_contact_reply_at'])) }}
            as intercom_first_contact_reply_at,
        {{ epoch_text_to_timestamp(json_path_text('statistics', ['first_admin_reply_at'])) }}
            as intercom_first_admin_reply_at,
        {{ epoch_text_to_timestamp(json_path_text('statistics', ['first_close_at'])) }} as intercom_first_close_at,
        {{ epoch_text_to_timestamp(json_path_text('statistics', ['last_close_at'])) }} as intercom_last_close_at,
        cast({{ json_path_text('statistics', ['count_reopens']) }} as {{ dbt.type_bigint() }})
            as intercom_count_reopens,
        cast({{ json_path_text('statistics', ['count_conversation_parts']) }} as {{ dbt.type_bigint() }})
            as intercom_count_conversation_parts,
        cast(0 as {{ dbt.type_bigint() }}) as intercom_parts_in_export,
        cast(null as {{ dbt.type_bigint() }}) as intercom_parts_total_count,
        admin_assignee_id as intercom_admin_assignee_id,
        team_assignee_id as intercom_team_assignee_id,
        {{ json_path_text('sla_applied', ['sla_name']) }} as intercom_sla_name,
        lower({{ json_path_text('sla_applied', ['sla_status']) }}) as intercom_sla_status
    from latest_conversations

)

select * from final
