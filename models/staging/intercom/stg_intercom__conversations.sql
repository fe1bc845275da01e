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
        nullif(trim(priority), '') as priority
    from source

)

select * from renamed
