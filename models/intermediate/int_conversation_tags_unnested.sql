-- SPEC §3 tags: the distinct union of a conversation's comma-separated tags, trimmed, empties dropped.
with

messages as (

    select
        conversation_id,
        tags
    from {{ ref('stg_intercom__messages') }}
    where tags is not null

),

split_tags as (

    select
        conversation_id,
        trim({{ split_to_rows('tags', ',') }}) as tag
    from messages

),

final as (

    select distinct
        conversation_id,
        tag
    from split_tags
    where tag <> ''

)

select * from final
