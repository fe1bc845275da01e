with

source as (

    select
        conversation_id,
        user_id,
        started_at,
        resolved_at,
        state,
        assignee_email,
        tags,
        message_count,
        reopen_count,
        priority,
        _extra_columns,
        _source_file,
        _source_line,
        _loaded_at
    from {{ source('intercom', 'conversations') }}

),

renamed as (

    select
        started_at,
        resolved_at,
        message_count,
        reopen_count,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at,
        trim(conversation_id) as conversation_id,
        nullif(trim(user_id), '') as user_id,
        nullif(lower(trim(state)), '') as state,
        nullif(lower(trim(assignee_email)), '') as assignee_email,
        nullif(trim(tags), '') as tags,
        nullif(trim(priority), '') as priority,
        -- Intercom's own figures, present for conversations loaded from the REST API
        {{ epoch_text_to_timestamp(json_text('_extra_columns', 'intercom_first_contact_reply_at')) }} as intercom_first_contact_reply_at,
        {{ epoch_text_to_timestamp(json_text('_extra_columns', 'intercom_first_admin_reply_at')) }} as intercom_first_admin_reply_at,
        {{ epoch_text_to_timestamp(json_text('_extra_columns', 'intercom_first_close_at')) }} as intercom_first_close_at,
        {{ epoch_text_to_timestamp(json_text('_extra_columns', 'intercom_last_close_at')) }} as intercom_last_close_at,
        cast({{ json_text('_extra_columns', 'intercom_count_reopens') }} as {{ dbt.type_bigint() }}) as intercom_count_reopens,
        cast({{ json_text('_extra_columns', 'intercom_count_conversation_parts') }} as {{ dbt.type_bigint() }}) as intercom_count_conversation_parts,
        cast({{ json_text('_extra_columns', 'intercom_parts_in_export') }} as {{ dbt.type_bigint() }}) as intercom_parts_in_export,
        {{ json_text('_extra_columns', 'intercom_admin_assignee_id') }} as intercom_admin_assignee_id,
        {{ json_text('_extra_columns', 'intercom_sla_name') }} as intercom_sla_name,
        lower({{ json_text('_extra_columns', 'intercom_sla_status') }}) as intercom_sla_status
    from source

)

select * from renamed
