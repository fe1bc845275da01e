with

source as (

    select
        message_id,
        conversation_id,
        sender_type,
        part_type,
        created_at,
        first_response_at,
        priority,
        assignee_id,
        tags,
        _extra_columns,
        _record_key,
        _source_file,
        _source_line,
        _loaded_at
    from {{ source('intercom', 'messages') }}

),

renamed as (

    select
        _record_key as message_key,
        nullif(trim(message_id), '') as message_id,
        trim(conversation_id) as conversation_id,
        {{ intercom_sender_type('sender_type') }} as sender_type,
        coalesce(nullif(lower(trim(part_type)), ''), 'comment') as part_type,
        created_at,
        first_response_at as export_first_response_at,
        nullif(trim(priority), '') as priority,
        nullif(trim(assignee_id), '') as assignee_id,
        nullif(trim(tags), '') as tags,
        {{ json_text('_extra_columns', 'intercom_record') }} as intercom_record,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at
    from source

)

select * from renamed
