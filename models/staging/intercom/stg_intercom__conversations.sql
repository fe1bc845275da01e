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
        _source_file,
        _source_line,
        _loaded_at
    from {{ source('intercom', 'conversations') }}

),

renamed as (

    select
        trim(conversation_id) as conversation_id,
        nullif(trim(user_id), '') as user_id,
        started_at,
        resolved_at,
        nullif(lower(trim(state)), '') as state,
        nullif(lower(trim(assignee_email)), '') as assignee_email,
        nullif(trim(tags), '') as tags,
        message_count,
        reopen_count,
        nullif(trim(priority), '') as priority,
        _source_file as source_file,
        _source_line as source_line,
        _loaded_at as loaded_at
    from source

)

select * from renamed
